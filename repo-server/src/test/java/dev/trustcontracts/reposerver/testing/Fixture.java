package dev.trustcontracts.reposerver.testing;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/** A running server with one user (a repository admin), real zones, and a JGit client that commits trees directly. */
public final class Fixture implements AutoCloseable {
    public static final String USER = "admin";
    public static final String PASSWORD = "correct horse battery staple";
    public static final TestZone ALICE = TestZone.create("alice");
    public static final TestZone BOB = TestZone.create("bob");
    public static final TestZone CAROL = TestZone.create("carol");

    public final RepoServer server;
    public final Path dir;

    public Fixture(Path dir) throws IOException {
        this(dir, RepoServerConfig.ephemeral(dir.resolve("data")));
    }

    public Fixture(Path dir, RepoServerConfig config) throws IOException {
        this.dir = dir;
        // a low iteration count keeps the tests quick; the format is the production one
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), Set.of(), true);
        this.server = RepoServer.start(config);
    }

    public static CredentialsProvider credentials() {
        return new UsernamePasswordCredentialsProvider(USER, PASSWORD);
    }

    public static byte[] yaml(Contract c) {
        return ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh clone of the server's repository. */
    public Git cloneRepo(String name) throws GitAPIException {
        return Git.cloneRepository().setURI(server.gitUrl()).setDirectory(dir.resolve(name).toFile())
                .setBare(true).call();
    }

    /** A change to make on top of a commit. */
    public static final class Change {
        public final Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        public final Map<String, String> symlinks = new java.util.LinkedHashMap<>();
        public final Set<String> deletes = new java.util.HashSet<>();

        public Change put(String path, byte[] content) {
            files.put(path, content);
            return this;
        }

        public Change contract(String path, Contract c) {
            return put(path, yaml(c));
        }

        public Change symlink(String path, String target) {
            symlinks.put(path, target);
            return this;
        }

        public Change delete(String path) {
            deletes.add(path);
            return this;
        }
    }

    public static Change change() {
        return new Change();
    }

    /** Writes a commit applying the change on top of {@code parent} (a ref or id) in the clone. */
    public static ObjectId commit(Git git, String parent, Change change) throws IOException {
        Repository repo = git.getRepository();
        ObjectId parentId = repo.resolve(parent);
        try (ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            b.addTree(new byte[0], 0, reader, rw.parseCommit(parentId).getTree());
            b.finish();
            DirCacheEditor e = dc.editor();
            for (String d : change.deletes) {
                e.add(new DirCacheEditor.DeletePath(d));
            }
            for (var f : change.files.entrySet()) {
                ObjectId blob = ins.insert(Constants.OBJ_BLOB, f.getValue());
                e.add(entry(f.getKey(), FileMode.REGULAR_FILE, blob));
            }
            for (var s : change.symlinks.entrySet()) {
                ObjectId blob = ins.insert(Constants.OBJ_BLOB, s.getValue().getBytes(StandardCharsets.UTF_8));
                e.add(entry(s.getKey(), FileMode.SYMLINK, blob));
            }
            e.finish();
            ObjectId tree = dc.writeTree(ins);
            PersonIdent who = new PersonIdent("Test Admin", "admin@example.test");
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentIds(parentId);
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("test change\n");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }

    private static DirCacheEditor.PathEdit entry(String path, FileMode mode, ObjectId blob) {
        return new DirCacheEditor.PathEdit(path) {
            @Override
            public void apply(DirCacheEntry ent) {
                ent.setFileMode(mode);
                ent.setObjectId(blob);
            }
        };
    }

    /** The outcome of a push, as the client saw it. */
    public record Pushed(RemoteRefUpdate.Status status, String message, String remote, List<RemoteRefUpdate> updates) {
        public boolean ok() {
            return status == RemoteRefUpdate.Status.OK;
        }
    }

    /** Pushes commits to branches: {@code ids[i]} to {@code branches[i]}, atomically, with the user's credentials. */
    public static Pushed push(Git git, CredentialsProvider creds, boolean force, Object... idsAndBranches)
            throws IOException, GitAPIException {
        Repository repo = git.getRepository();
        List<RefSpec> specs = new ArrayList<>();
        for (int i = 0; i < idsAndBranches.length; i += 2) {
            String branch = (String) idsAndBranches[i + 1];
            if (idsAndBranches[i] == null) {
                specs.add(new RefSpec(":refs/heads/" + branch));
                continue;
            }
            String local = "refs/heads/push-" + branch.replace('/', '-');
            RefUpdate ru = repo.updateRef(local);
            ru.setNewObjectId((ObjectId) idsAndBranches[i]);
            ru.setForceUpdate(true);
            ru.update();
            specs.add(new RefSpec((force ? "+" : "") + local + ":refs/heads/" + branch));
        }
        PushCommand cmd = git.push().setRemote("origin").setRefSpecs(specs).setAtomic(true).setForce(force);
        if (creds != null) {
            cmd.setCredentialsProvider(creds);
        }
        PushResult result = cmd.call().iterator().next();
        List<RemoteRefUpdate> updates = new ArrayList<>(result.getRemoteUpdates());
        RemoteRefUpdate first = updates.get(0);
        return new Pushed(first.getStatus(), first.getMessage(), result.getMessages(), updates);
    }

    /** Pushes one commit to main with the user's credentials. */
    public static Pushed pushMain(Git git, ObjectId commit) throws IOException, GitAPIException {
        return push(git, credentials(), false, commit, "main");
    }

    /** Fetches and returns the server's main as the clone sees it. */
    public static ObjectId fetchMain(Git git) throws GitAPIException, IOException {
        git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*")).call();
        return git.getRepository().resolve("refs/remotes/origin/main");
    }

    @Override
    public void close() {
        server.close();
    }
}
