package dev.trustcontracts.bench;

import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;

/**
 * One simulated agent, doing over the wire what the agent does: it holds a {@code WatchCertificates} stream
 * for its zone and runs a JGit fetch of main into its own bare repository on a jittered interval and at
 * once when the stream reports a commit other than its main. When main has not moved the fetch is only the
 * ref advertisement; when it has, it is a real negotiated fetch of the new commit's objects (the agent's
 * repository borrows the starting commit's objects from a shared clone through objects/info/alternates, so
 * that 1,000 agents do not hold 1,000 copies, and what the server sends is exactly what an agent with a full
 * clone would get). It does not verify or apply anything: that costs the agent, not the server.
 */
final class SimulatedAgent {
    /** What all agents of a run share: where to fetch, where to report, and the bounded pools they run on. */
    record Shared(String gitUrl, ErrorLog errors, Propagation fetched, Propagation notified,
                  ExecutorService fetchPool, ScheduledExecutorService timer, AtomicBoolean stopping,
                  long pollMillis, int fetchTimeoutSeconds, long streamDeadlineNanos, Counters counters) {
    }

    /** What the agents did, for requests per second. */
    record Counters(AtomicLong polls, AtomicLong fetches, AtomicLong watchMessages, AtomicLong streamsOpen) {
        Counters() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        }
    }

    private final int id;
    private final String zoneHash;
    private final Shared shared;
    private final Repository repo;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile String main;
    private volatile boolean connected;
    private volatile ManagedChannel channelForRetry;

    /** Creates the agent's repository at {@code dir}: main at {@code start}, objects borrowed from {@code base}. */
    SimulatedAgent(int id, String zoneHash, Shared shared, Path dir, Path base, ObjectId start) throws IOException {
        this.id = id;
        this.zoneHash = zoneHash;
        this.shared = shared;
        AgentBenchSupport.createBare(dir).close();
        Files.writeString(dir.resolve("objects/info/alternates"), base.resolve("objects").toAbsolutePath() + "\n");
        this.repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        // the agent packs its clone itself; no background gc in a benchmark
        repo.getConfig().setInt("gc", null, "auto", 0);
        RefUpdate u = repo.updateRef(Constants.R_HEADS + "main");
        u.setNewObjectId(start);
        u.setForceUpdate(true);
        u.update();
        this.main = start.name();
    }

    /** Polls at a random moment of the first interval, then every interval +/-10 %. */
    void startPolling() {
        shared.timer().schedule(this::tick, ThreadLocalRandom.current().nextLong(shared.pollMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (shared.stopping().get()) {
            return;
        }
        trigger();
        long jitter = shared.pollMillis() / 10;
        shared.timer().schedule(this::tick,
                shared.pollMillis() + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1), TimeUnit.MILLISECONDS);
    }

    /** Queues one fetch unless one is queued already (so an agent has at most one waiting). */
    private void trigger() {
        if (!shared.stopping().get() && queued.compareAndSet(false, true)) {
            shared.fetchPool().execute(() -> {
                queued.set(false);
                fetch();
            });
        }
    }

    private synchronized void fetch() {
        if (shared.stopping().get()) {
            return;
        }
        shared.counters().polls().incrementAndGet();
        try {
            String before = main;
            FetchResult r = Git.wrap(repo).fetch().setRemote(shared.gitUrl())
                    .setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
                    .setTimeout(shared.fetchTimeoutSeconds()).call();
            Ref remote = r.getAdvertisedRef("refs/heads/main");
            if (remote == null) {
                shared.errors().add("agent " + id + ": the ref advertisement has no main");
                return;
            }
            Ref local = repo.exactRef("refs/heads/main");
            String now = local.getObjectId().name();
            if (!now.equals(remote.getObjectId().name())) {
                shared.errors().add("agent " + id + ": fetched main " + now + " but the server advertised "
                        + remote.getObjectId().name());
                return;
            }
            if (!now.equals(before)) {
                shared.counters().fetches().incrementAndGet();
                main = now;
            }
            shared.fetched().saw(id, now, System.nanoTime());
        } catch (Exception e) {
            if (!shared.stopping().get()) {
                shared.errors().add("fetch (agent " + id + ")", e);
            }
        }
    }

    /** Opens the watch stream on {@code channel}; a broken stream counts as an error and is re-opened after 1 s. */
    void watch(ManagedChannel channel) {
        long left = shared.streamDeadlineNanos() - System.nanoTime();
        if (shared.stopping().get() || left <= 0) {
            return;
        }
        ContractsServiceGrpc.newStub(channel).withDeadlineAfter(left, TimeUnit.NANOSECONDS).watchCertificates(
                GetCertificatesRequest.newBuilder().setHash(zoneHash).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(GetCertificatesResponse r) {
                        long now = System.nanoTime();
                        shared.counters().watchMessages().incrementAndGet();
                        if (!connected) {
                            connected = true;
                            shared.counters().streamsOpen().incrementAndGet();
                        }
                        shared.notified().saw(id, r.getCommit(), now);
                        if (!r.getCommit().equals(main)) {
                            trigger();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        broken("watch stream (agent " + id + ")", t);
                    }

                    @Override
                    public void onCompleted() {
                        broken("watch stream (agent " + id + ")", new IllegalStateException("the server ended it"));
                    }
                });
    }

    private void broken(String what, Throwable t) {
        if (connected) {
            connected = false;
            shared.counters().streamsOpen().decrementAndGet();
        }
        if (shared.stopping().get()) {
            return;
        }
        shared.errors().add(what, t);
        try {
            shared.timer().schedule(() -> watch(channelForRetry), 1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // the run is ending
        }
    }

    void watchOn(ManagedChannel channel) {
        channelForRetry = channel;
        watch(channel);
    }

    boolean connected() {
        return connected;
    }

    String main() {
        return main;
    }

    void close() {
        repo.close();
    }

    static List<String> zoneHashes(BenchRepos repos) {
        return repos.zones.stream().map(z -> dev.trustcontracts.core.crypto.Fingerprint.of(z.root)).toList();
    }
}
