package dev.trustcontracts.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Crafts Git objects that C git will not build (a tree entry whose mode lies about its object's type,
 * thousands of entries in one tree, a tag as a branch tip) with JGit's ObjectInserter, TreeFormatter,
 * CommitBuilder and TagBuilder, straight into a clone's object database.
 */
final class Forge implements AutoCloseable {
    /** One tree entry as Git stores it. */
    record Entry(String name, FileMode mode, ObjectId id) {
    }

    private final Repository repo;
    private final ObjectInserter ins;
    private final String user;
    private final String password;

    Forge(Path gitDir, String user, String password) throws IOException {
        this.repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
        this.ins = repo.newObjectInserter();
        this.user = user;
        this.password = password;
    }

    ObjectId blob(String content) throws IOException {
        return blob(content.getBytes(StandardCharsets.UTF_8));
    }

    ObjectId blob(byte[] content) throws IOException {
        ObjectId id = ins.insert(Constants.OBJ_BLOB, content);
        ins.flush();
        return id;
    }

    /** A tree of exactly these entries (sorted as Git sorts them; duplicates are kept, as an attacker may). */
    ObjectId tree(List<Entry> entries) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Forge::sortKey));
        TreeFormatter f = new TreeFormatter();
        for (Entry e : sorted) {
            f.append(e.name(), e.mode(), e.id());
        }
        ObjectId id = ins.insert(f);
        ins.flush();
        return id;
    }

    /** The entries of a tree, one level. */
    List<Entry> entries(ObjectId tree) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (var reader = repo.newObjectReader()) {
            CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
            while (!p.eof()) {
                out.add(new Entry(p.getEntryPathString(), p.getEntryFileMode(), p.getEntryObjectId()));
                p.next();
            }
        }
        return out;
    }

    /** The root tree of a commit (any rev C git or JGit understands). */
    ObjectId treeOf(String rev) throws IOException {
        try (RevWalk w = new RevWalk(repo)) {
            return w.parseCommit(repo.resolve(rev)).getTree().getId();
        }
    }

    /** {@code base}'s root tree with {@code extra} entries added to (or replacing those in) {@code contracts/}. */
    ObjectId withContracts(String base, List<Entry> extra) throws IOException {
        ObjectId root = treeOf(base);
        List<Entry> top = entries(root);
        Entry contracts = top.stream().filter(e -> e.name().equals("contracts")).findFirst().orElseThrow();
        List<Entry> inside = new ArrayList<>(entries(contracts.id()));
        for (Entry e : extra) {
            inside.removeIf(old -> old.name().equals(e.name()));
        }
        inside.addAll(extra);
        ObjectId sub = tree(inside);
        return withRoot(top, new Entry("contracts", FileMode.TREE, sub));
    }

    /** {@code base}'s root tree with one entry added at the top (or replacing the one of that name). */
    ObjectId withTopEntry(String base, Entry entry) throws IOException {
        return withRoot(entries(treeOf(base)), entry);
    }

    private ObjectId withRoot(List<Entry> top, Entry replacement) throws IOException {
        List<Entry> out = new ArrayList<>(top);
        out.removeIf(e -> e.name().equals(replacement.name()));
        out.add(replacement);
        return tree(out);
    }

    ObjectId commit(ObjectId tree, String message, String... parents) throws IOException {
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        List<ObjectId> ids = new ArrayList<>();
        for (String p : parents) {
            ids.add(repo.resolve(p));
        }
        cb.setParentIds(ids);
        PersonIdent who = new PersonIdent("Mallory", "mallory@example.test");
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage(message + "\n");
        ObjectId id = ins.insert(cb);
        ins.flush();
        return id;
    }

    /** An annotated tag object pointing at a commit. */
    ObjectId tag(ObjectId commit, String name) throws IOException {
        TagBuilder t = new TagBuilder();
        t.setObjectId(commit, Constants.OBJ_COMMIT);
        t.setTag(name);
        t.setTagger(new PersonIdent("Mallory", "mallory@example.test"));
        t.setMessage("a tag where a commit belongs\n");
        ObjectId id = ins.insert(t);
        ins.flush();
        return id;
    }

    /**
     * Pushes an object id (a commit, or anything else) to a ref with JGit's transport, for what C git
     * refuses to send (it will not write a tag to a branch). Returns the server's status and messages.
     */
    PushOutcome pushObject(String url, ObjectId id, String remoteRef) throws IOException {
        try (Transport t = Transport.open(repo, new URIish(url))) {
            t.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password));
            RemoteRefUpdate u = new RemoteRefUpdate(repo, (String) null, id, remoteRef, true, null, null);
            PushResult r = t.push(NullProgressMonitor.INSTANCE, List.of(u));
            RemoteRefUpdate done = r.getRemoteUpdate(remoteRef);
            return new PushOutcome(done.getStatus(), done.getMessage(), r.getMessages());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        } catch (org.eclipse.jgit.errors.TransportException e) {
            return new PushOutcome(null, e.getMessage(), "");
        }
    }

    record PushOutcome(RemoteRefUpdate.Status status, String message, String remote) {
        boolean accepted() {
            return status == RemoteRefUpdate.Status.OK;
        }

        String all() {
            return status + " " + message + "\n" + remote;
        }
    }

    /** Git's tree order: names as bytes, a tree's name as if it ended in '/'. */
    private static String sortKey(Entry e) {
        return e.mode() == FileMode.TREE ? e.name() + "/" : e.name();
    }

    @Override
    public void close() {
        ins.close();
        repo.close();
    }
}
