package dev.trustcontracts.agent.remote;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * The agent's local bare clone of the contract repositories: only {@code main} (and {@code refs/trust/*}, the
 * signed heartbeat) is fetched from each remote, into refs of its own ({@link Remote#trackingRef()}: the first
 * remote's is {@value #TRACKING}); several remotes are fetched in parallel, so that one that does not answer costs
 * the cycle its timeout once, not once per remote. The last applied commit is kept reachable under {@value #APPLIED} so that it can
 * be re-read (expiry on the agent's own clock) even when the remote rewrote or lost it. A clone that
 * cannot be read is deleted and replaced by a fresh clone.
 */
public final class GitMirror implements AutoCloseable {
    static final String MAIN = "refs/heads/main";
    static final String TRACKING = "refs/remotes/origin/main";
    static final String APPLIED = "refs/trustctl/applied";
    private static final int GC_PACK_THRESHOLD = 40;
    private static final Logger LOG = LoggerFactory.getLogger(GitMirror.class);

    private final Path dir;
    private final List<Remote> remotes;
    private final CredentialsProvider credentials;
    private final Duration timeout;
    private final TransportConfigCallback transport;
    private Repository repository;
    private int freshClones;
    private boolean trustRefs;
    /** Runs the remotes' fetches, all at once; made at the first fetch. */
    private ExecutorService fetchers;
    /** A fetch that outlived its cycle's deadline and has not ended yet, by remote. */
    private final Map<Remote, Future<Attempt>> inFlight = new HashMap<>();

    /** A fetch's outcome: the remote's main and whether the clone had to be replaced first. */
    public record Fetched(ObjectId head, boolean recloned) {
    }

    /**
     * One remote's part of {@link #fetchAll()}.
     *
     * @param head    its main, or null when the fetch failed
     * @param failure why the fetch failed ({@link FailureKind#REMOTE}, its message free of credentials), or null
     */
    public record RemoteFetch(Remote remote, ObjectId head, SyncException failure) {
        public boolean reachable() {
            return failure == null;
        }
    }

    /** Every remote's fetch, in the order of the --remote flags, and whether the clone had to be replaced. */
    public record Fetches(List<RemoteFetch> remotes, boolean recloned) {
    }

    /** @param credentials HTTP credentials, or null */
    public GitMirror(Path dir, String remote, CredentialsProvider credentials, Duration timeout) {
        this(dir, remote, credentials, timeout, null);
    }

    /** @param transport configures each fetch's transport (TLS trust, SSH keys), or null */
    public GitMirror(Path dir, String remote, CredentialsProvider credentials, Duration timeout,
            TransportConfigCallback transport) {
        this(dir, List.of(remote), credentials, timeout, transport);
    }

    /**
     * @param remotes     the --remote URLs, in order (at least one)
     * @param credentials HTTP credentials, or null; sent to http(s):// remotes only
     */
    public GitMirror(Path dir, List<String> remotes, CredentialsProvider credentials, Duration timeout,
            TransportConfigCallback transport) {
        if (remotes.isEmpty()) {
            throw new IllegalArgumentException("at least one remote");
        }
        this.transport = transport;
        this.dir = dir;
        List<Remote> rs = new ArrayList<>();
        for (String url : remotes) {
            rs.add(new Remote(rs.size(), url));
        }
        this.remotes = List.copyOf(rs);
        this.credentials = credentials;
        this.timeout = timeout;
    }

    /** The first remote's URL, as given. */
    public String remote() {
        return remotes.get(0).url();
    }

    /** The remotes, in the order of the --remote flags. */
    public List<Remote> remotes() {
        return remotes;
    }

    /** Fetches {@code refs/trust/*} too from now on (the signed heartbeat, --heartbeat-cert). */
    public void fetchTrustRefs() {
        trustRefs = true;
    }

    /**
     * Each remote's {@code refs/trust/heartbeat} as last fetched (kept when a later fetch fails), for the remotes
     * that have one, in the order of the --remote flags.
     */
    public Map<Remote, ObjectId> heartbeats() throws SyncException {
        Map<Remote, ObjectId> out = new java.util.LinkedHashMap<>();
        for (Remote remote : remotes) {
            String name = remote.trustRefPrefix() + "heartbeat";
            try {
                Ref r = repository().exactRef(name);
                if (r != null && r.getObjectId() != null) {
                    out.put(remote, r.getObjectId());
                }
            } catch (IOException e) {
                throw new SyncException(FailureKind.LOCAL_CLONE, "cannot read " + name + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Fetches the first remote's main. Transport failures are {@link FailureKind#REMOTE}; a local clone that
     * fails is replaced by a fresh clone and the fetch retried once.
     */
    public Fetched fetch() throws SyncException {
        Fetches all = fetchAll();
        RemoteFetch first = all.remotes().get(0);
        if (first.failure() != null) {
            throw first.failure();
        }
        return new Fetched(first.head(), all.recloned());
    }

    /**
     * Fetches every remote's main (several at once). A remote that fails is reported in its {@link RemoteFetch};
     * when every one failed and the local clone cannot be read, the clone is replaced by a fresh clone and the
     * fetches retried once.
     *
     * @throws SyncException ({@link FailureKind#LOCAL_CLONE}) only when the clone cannot be replaced
     */
    public Fetches fetchAll() throws SyncException {
        boolean recloned = false;
        try {
            open();
        } catch (IOException | RuntimeException e) {
            LOG.warn("the local clone {} is unreadable ({}); replacing it with a fresh clone", dir, e.toString());
            replaceWithFreshClone();
            recloned = true;
        }
        List<Attempt> attempts = fetchEach();
        if (attempts.stream().allMatch(a -> a.error() != null) && !recloned && !localCloneReadable()) {
            LOG.warn("fetch into the local clone {} failed ({}) and the clone is unreadable; replacing it with a "
                    + "fresh clone", dir, attempts.get(0).error().toString());
            replaceWithFreshClone();
            recloned = true;
            attempts = fetchEach();
        }
        if (attempts.stream().anyMatch(Attempt::updated)) {
            maybeGc(); // after every fetch finished: never beside one
        }
        List<RemoteFetch> out = new ArrayList<>();
        for (Attempt a : attempts) {
            out.add(a.error() == null ? new RemoteFetch(a.remote(), a.head(), null)
                    : new RemoteFetch(a.remote(), null, remoteFailure(a.remote(), a.error())));
        }
        return new Fetches(List.copyOf(out), recloned);
    }

    /** One remote's fetch: its main, or what went wrong. */
    private record Attempt(Remote remote, ObjectId head, boolean updated,
            Exception error) {
    }

    /**
     * Each remote's fetch, all at once, each waited for at most {@link #deadline()}: JGit's timeout bounds each read
     * of an http(s):// fetch, but a git:// read from a server that accepts and never answers blocks past it (an
     * interrupt does not end a blocking socket read). A fetch still running at its deadline is reported as no answer
     * and left to end on its own; its remote is not asked again until it has, so a silent remote holds at most one
     * thread and costs one deadline, not one per cycle.
     */
    private List<Attempt> fetchEach() {
        if (fetchers == null) {
            // one thread per remote while a cycle fetches; idle threads end after a minute (the agent stays small
            // between polls)
            // (at most one fetch per remote is ever running, so the queue only holds a task for the moment a thread
            // that just finished takes to come back)
            ThreadPoolExecutor pool = new ThreadPoolExecutor(remotes.size(), remotes.size(), 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "agent-fetch");
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            fetchers = pool;
        }
        Duration deadline = deadline();
        List<Future<Attempt>> futures = new ArrayList<>();
        for (Remote r : remotes) {
            Future<Attempt> earlier = inFlight.get(r);
            futures.add(earlier != null && !earlier.isDone() ? null : fetchers.submit(() -> attempt(r)));
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<Attempt> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            Remote r = remotes.get(i);
            Future<Attempt> f = futures.get(i);
            if (f == null) {
                out.add(new Attempt(r, null, false, new IOException("no answer: the fetch started in an "
                        + "earlier cycle is still waiting (more than " + deadline.toSeconds() + " s)")));
                continue;
            }
            try {
                out.add(f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                inFlight.remove(r);
            } catch (TimeoutException e) {
                inFlight.put(r, f);
                out.add(new Attempt(r, null, false,
                        new IOException("no answer within " + deadline.toSeconds() + " s")));
            } catch (ExecutionException e) {
                inFlight.remove(r);
                out.add(new Attempt(r, null, false,
                        e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(new Attempt(r, null, false, e));
            }
        }
        // two remotes serving the same new objects write the same pack, and the second writer cannot lock it: that
        // remote answered, so fetch it again now that the objects are here (its refs only)
        for (int i = 0; i < out.size(); i++) {
            if (lostPackLock(out.get(i).error()) && !Thread.currentThread().isInterrupted()) {
                out.set(i, attempt(out.get(i).remote()));
            }
        }
        return out;
    }

    /** Whether a fetch failed only because another fetch of this cycle was writing the same pack. */
    private static boolean lostPackLock(Exception error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.eclipse.jgit.errors.LockFailedException
                    || (t.getMessage() != null && t.getMessage().startsWith("Cannot lock pack"))) {
                return true;
            }
        }
        return false;
    }

    /** How long a cycle waits for one remote's fetch: three network timeouts (a minute by default). */
    Duration deadline() {
        return timeout.multipliedBy(3);
    }

    private Attempt attempt(Remote r) {
        try {
            return fetchOnce(r);
        } catch (GitAPIException | SyncException | RuntimeException e) {
            return new Attempt(r, null, false, e);
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

    private Attempt fetchOnce(Remote remote) throws GitAPIException, SyncException {
        FetchResult r = Git.wrap(repository).fetch()
                .setRemote(remote.url())
                // the trust refs by a wildcard: a remote without them (an older server) is no error; fetched only
                // with --heartbeat-cert, so an agent without it keeps no refs/trust at all
                .setRefSpecs(trustRefs
                        ? List.of(new RefSpec("+" + MAIN + ":" + remote.trackingRef()),
                                new RefSpec("+" + Heartbeat.NAMESPACE + "*:" + remote.trustRefPrefix() + "*"))
                        : List.of(new RefSpec("+" + MAIN + ":" + remote.trackingRef())))
                .setTagOpt(TagOpt.NO_TAGS)
                .setCheckFetchedObjects(true)
                .setRemoveDeletedRefs(false)
                .setTimeout((int) Math.max(1, timeout.toSeconds()))
                .setCredentialsProvider(sendsCredentials(remote) ? credentials : null)
                .setTransportConfigCallback(transport)
                .call();
        Ref main = r.getAdvertisedRef(MAIN);
        if (main == null || main.getObjectId() == null) {
            throw new SyncException(FailureKind.REMOTE, "the remote " + remote.label() + " has no main branch");
        }
        return new Attempt(remote, main.getObjectId(), !r.getTrackingRefUpdates().isEmpty(), null);
    }

    /** Credentials go to http(s):// remotes only: never to a git://, file:// or ssh:// one (ssh has its key). */
    private static boolean sendsCredentials(Remote remote) {
        String scheme = RemoteAccess.scheme(remote.url());
        return scheme.equals("http") || scheme.equals("https");
    }

    private static SyncException remoteFailure(Remote remote, Exception e) {
        if (e instanceof SyncException s) {
            return s;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
        String m = remote.scrub("fetch from " + remote.url() + " failed: " + e.getMessage() + detail);
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

    /** Reads the applied and the fetched commits with their root trees: the objects the agent relies on. */
    private void check(Repository repo) throws IOException {
        if (!repo.getObjectDatabase().exists()) {
            throw new IOException("no object database");
        }
        try (RevWalk rw = new RevWalk(repo)) {
            List<String> names = new ArrayList<>(List.of(APPLIED));
            remotes.forEach(r -> names.add(r.trackingRef()));
            for (String name : names) {
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
        if (fetchers != null) {
            fetchers.shutdownNow();
        }
        closeRepository();
    }
}
