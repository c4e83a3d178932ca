package dev.trustcontracts.agent.remote;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local bare clone of the contract repository: only {@code main} is fetched (into
 * {@value #TRACKING}); the last applied commit is kept reachable under {@value #APPLIED} so that it can
 * be re-read (expiry on the agent's own clock) even when the remote rewrote or lost it. A clone that
 * cannot be read is deleted and replaced by a fresh clone.
 */
public final class GitMirror implements AutoCloseable {
    static final String MAIN = "refs/heads/main";
    static final String TRACKING = "refs/remotes/origin/main";
    static final String APPLIED = "refs/trustctl/applied";
    /**
     * With --heartbeat-cert, {@code refs/trust/*} (the signed heartbeat) is fetched beside main, with a wildcard:
     * a remote without the ref is not an error (JGit throws for a missing non-wildcard source).
     */
    static final String TRUST_SPEC = "+refs/trust/*:refs/remotes/origin/trust/*";
    static final String HEARTBEAT = "refs/remotes/origin/trust/heartbeat";
    private static final int GC_PACK_THRESHOLD = 40;
    private static final Logger LOG = LoggerFactory.getLogger(GitMirror.class);

    private final Path dir;
    private final String remote;
    private final CredentialsProvider credentials;
    private final Duration timeout;
    private final TransportConfigCallback transport;
    private Repository repository;
    private int freshClones;
    private boolean trustRefs;

    /** A fetch's outcome: the remote's main and whether the clone had to be replaced first. */
    public record Fetched(ObjectId head, boolean recloned) {
    }

    /** @param credentials HTTP credentials, or null */
    public GitMirror(Path dir, String remote, CredentialsProvider credentials, Duration timeout) {
        this(dir, remote, credentials, timeout, null);
    }

    /** @param transport configures each fetch's transport (TLS trust, SSH keys), or null */
    public GitMirror(Path dir, String remote, CredentialsProvider credentials, Duration timeout,
            TransportConfigCallback transport) {
        this.transport = transport;
        this.dir = dir;
        this.remote = remote;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    public String remote() {
        return remote;
    }

    /** Fetches {@code refs/trust/*} too from now on (the signed heartbeat, --heartbeat-cert). */
    public void fetchTrustRefs() {
        trustRefs = true;
    }

    /** The remote's {@code refs/trust/heartbeat} as last fetched (kept when a fetch fails), or null. */
    public ObjectId heartbeat() throws SyncException {
        try {
            Ref r = repository().exactRef(HEARTBEAT);
            return r == null ? null : r.getObjectId();
        } catch (IOException e) {
            throw new SyncException(FailureKind.LOCAL_CLONE, "cannot read " + HEARTBEAT + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fetches the remote's main. Transport failures are {@link FailureKind#REMOTE}; a local clone that
     * fails is replaced by a fresh clone and the fetch retried once.
     */
    public Fetched fetch() throws SyncException {
        boolean recloned = false;
        try {
            open();
        } catch (IOException | RuntimeException e) {
            LOG.warn("the local clone {} is unreadable ({}); replacing it with a fresh clone", dir, e.toString());
            replaceWithFreshClone();
            recloned = true;
        }
        try {
            return new Fetched(fetchOnce(), recloned);
        } catch (GitAPIException | RuntimeException e) {
            if (recloned || localCloneReadable()) {
                // the clone reads fine: the failure came from the other side (or the network)
                throw remoteFailure(e);
            }
            LOG.warn("fetch into the local clone {} failed ({}) and the clone is unreadable; replacing it with a "
                    + "fresh clone", dir, e.toString());
            replaceWithFreshClone();
            try {
                return new Fetched(fetchOnce(), true);
            } catch (GitAPIException | RuntimeException e2) {
                throw remoteFailure(e2);
            }
        }
    }

    private boolean localCloneReadable() {
        try {
            check(repository);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private ObjectId fetchOnce() throws GitAPIException, SyncException {
        FetchResult r = Git.wrap(repository).fetch()
                .setRemote(remote)
                .setRefSpecs(trustRefs ? List.of(new RefSpec("+" + MAIN + ":" + TRACKING), new RefSpec(TRUST_SPEC))
                        : List.of(new RefSpec("+" + MAIN + ":" + TRACKING)))
                .setTagOpt(TagOpt.NO_TAGS)
                .setCheckFetchedObjects(true)
                .setRemoveDeletedRefs(false)
                .setTimeout((int) Math.max(1, timeout.toSeconds()))
                .setCredentialsProvider(credentials)
                .setTransportConfigCallback(transport)
                .call();
        Ref main = r.getAdvertisedRef(MAIN);
        if (main == null || main.getObjectId() == null) {
            throw new SyncException(FailureKind.REMOTE, "the remote " + remote + " has no main branch");
        }
        if (!r.getTrackingRefUpdates().isEmpty()) {
            maybeGc();
        }
        return main.getObjectId();
    }

    private SyncException remoteFailure(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
        String m = "fetch from " + remote + " failed: " + e.getMessage() + detail;
        if (m.contains("Server key did not validate")) {
            m += ": the SSH server's host key is not the one pinned in --ssh-known-hosts";
        }
        return new SyncException(FailureKind.REMOTE, m, e);
    }

    /** The open repository; {@link #fetch()} opens it. */
    public Repository repository() throws SyncException {
        if (repository == null) {
            try {
                open();
            } catch (IOException | RuntimeException e) {
                throw new SyncException(FailureKind.LOCAL_CLONE, "the local clone " + dir + " is unreadable: " + e, e);
            }
        }
        return repository;
    }

    /** The last applied commit as recorded in the clone, or null. */
    public ObjectId pinned() throws SyncException {
        try {
            Ref r = repository().exactRef(APPLIED);
            return r == null ? null : r.getObjectId();
        } catch (IOException e) {
            throw new SyncException(FailureKind.LOCAL_CLONE, "cannot read " + APPLIED + ": " + e.getMessage(), e);
        }
    }

    /** Whether the clone holds the commit (and can parse it). */
    public boolean has(ObjectId commit) throws SyncException {
        Repository repo = repository();
        try (RevWalk rw = new RevWalk(repo)) {
            rw.parseCommit(commit);
            return true;
        } catch (org.eclipse.jgit.errors.MissingObjectException e) {
            return false;
        } catch (IOException e) {
            throw new SyncException(FailureKind.LOCAL_CLONE, "cannot read commit " + commit.name() + ": " + e, e);
        }
    }

    /** Keeps the applied commit reachable in the clone. */
    public void pin(ObjectId commit) throws SyncException {
        try {
            RefUpdate u = repository().updateRef(APPLIED);
            u.setNewObjectId(commit);
            u.setForceUpdate(true);
            RefUpdate.Result r = u.update();
            switch (r) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> { }
                default -> throw new SyncException(FailureKind.LOCAL_CLONE, "cannot record the applied commit: " + r);
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.LOCAL_CLONE, "cannot record the applied commit: " + e.getMessage(), e);
        }
    }

    /** How many times the clone was replaced since this object was made. */
    public int freshClones() {
        return freshClones;
    }

    /** Deletes the local clone and starts an empty one; the next fetch fills it. */
    public void replaceWithFreshClone() throws SyncException {
        closeRepository();
        freshClones++;
        try {
            deleteTree(dir);
            open();
        } catch (IOException | RuntimeException e) {
            throw new SyncException(FailureKind.LOCAL_CLONE, "cannot replace the local clone " + dir + ": " + e, e);
        }
    }

    private void open() throws IOException {
        if (repository != null) {
            return;
        }
        if (!Files.exists(dir.resolve("HEAD")) && isEmptyOrMissing(dir)) {
            Files.createDirectories(dir);
            try {
                Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call().close();
            } catch (GitAPIException e) {
                throw new IOException("cannot create a clone in " + dir + ": " + e.getMessage(), e);
            }
        }
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        try {
            check(repo);
            disableAutoGc(repo);
        } catch (IOException | RuntimeException e) {
            repo.close();
            throw e;
        }
        repository = repo;
    }

    /** Reads the applied and the fetched commit with their root trees: the objects the agent relies on. */
    private static void check(Repository repo) throws IOException {
        if (!repo.getObjectDatabase().exists()) {
            throw new IOException("no object database");
        }
        try (RevWalk rw = new RevWalk(repo)) {
            for (String name : new String[] {APPLIED, TRACKING}) {
                Ref r = repo.exactRef(name);
                if (r != null) {
                    RevCommit c = rw.parseCommit(r.getObjectId());
                    rw.parseTree(c.getTree());
                }
            }
        }
    }

    /**
     * JGit would start a gc in a background thread after fetches; the agent packs its clone itself, in the
     * cycle thread, when the packs pile up ({@link #maybeGc}), so that two never race.
     */
    private static void disableAutoGc(Repository repo) throws IOException {
        org.eclipse.jgit.lib.StoredConfig c = repo.getConfig();
        if (c.getInt("gc", "auto", -1) != 0 || c.getInt("gc", "autoPackLimit", -1) != 0
                || c.getBoolean("gc", "autoDetach", true)) {
            c.setInt("gc", null, "auto", 0);
            c.setInt("gc", null, "autoPackLimit", 0);
            c.setBoolean("gc", null, "autoDetach", false);
            c.save();
        }
    }

    private void maybeGc() {
        try {
            if (repository.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory od
                    && od.getPacks().size() > GC_PACK_THRESHOLD) {
                Git.wrap(repository).gc().call();
            }
        } catch (GitAPIException | RuntimeException e) {
            LOG.warn("git gc of the local clone failed: {}", e.toString());
        }
    }

    private static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void closeRepository() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
    }

    @Override
    public void close() {
        closeRepository();
    }
}
