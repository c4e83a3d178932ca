package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.MainHistory;
import dev.trustcontracts.reposerver.git.MirrorUpdate;
import dev.trustcontracts.reposerver.index.ContractIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a read-only mirror following its primary: a fetch on every ring of the primary's watch stream and on
 * the poll timer (one at a time; rings while one is queued fold into it), each judged by {@link MirrorUpdate}
 * and, when main moved, the index re-judged from it, so that the gRPC streams, JSON and UI follow. Failures and
 * refusals leave the last good state in force and show in {@link MirrorStatus}.
 */
public final class MirrorFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorFollower.class);

    private final MirrorOf mirror;
    private final ContractRepository repository;
    private final ContractIndex index;
    private final PrimaryFetch fetch;
    private final MirrorUpdate update;
    private final MirrorStatus status;
    private final MirrorMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService worker = daemon("mirror-fetch");
    private final ScheduledExecutorService bellTimer = daemon("mirror-watch");
    private final AtomicBoolean queued = new AtomicBoolean();
    private final PackCollector packs = new PackCollector(PackCollector.DEFAULT_THRESHOLD);
    private final PrimaryDoorbell doorbell;
    /** The last problem logged, so that a primary down for an hour is one warning, not one per poll. */
    private String logged;
    /** Whether {@link #initial} left the first fetch to {@link #start}: the mirror had a main to serve. */
    private boolean deferred;

    private MirrorFollower(RepoServerConfig config, ContractRepository repository, ContractIndex index,
                           MainHistory history, ServerMetrics serverMetrics) throws IOException {
        this.mirror = Objects.requireNonNull(config.mirror());
        this.repository = repository;
        this.index = index;
        this.fetch = PrimaryFetch.of(mirror, config.gitLimits().maxPackBytes());
        this.update = new MirrorUpdate(repository, history, config.gitLimits().maxObjects());
        this.status = new MirrorStatus(mirror.primary(), mirror.watch() != null);
        this.metrics = new MirrorMetrics(serverMetrics, status);
        this.clock = config.clock();
        this.doorbell = mirror.watch() == null ? null : new PrimaryDoorbell(mirror.watch(), mirror.tls(), fetch.trust(),
                fetch.authorization(), this::rang, status, bellTimer, mirror.pollEvery());
    }

    /**
     * The follower of {@code config.mirror()}; reads its credentials and CA bundle now. Call {@link #initial}
     * before the index loads and {@link #start} once the server serves.
     */
    public static MirrorFollower open(RepoServerConfig config, ContractRepository repository, ContractIndex index,
                                      MainHistory history, ServerMetrics metrics) throws IOException {
        return new MirrorFollower(config, repository, index, history, metrics);
    }

    /**
     * Before serving: a mirror with a main of its own (a restart) serves it at once, whatever the primary says or
     * however long it takes to answer (the first fetch runs as soon as {@link #start} is called); a fresh one
     * fetches on the starting thread and must get the primary's main or not start.
     */
    public void initial() throws IOException {
        if (repository.mainIfAny().isPresent()) {
            deferred = true;
            return;
        }
        follow();
        if (repository.mainIfAny().isEmpty()) {
            throw new IOException("mirror of " + mirror.primary() + ": no main to serve yet, and "
                    + (status.problem() == null ? "the primary has none" : status.problem()));
        }
    }

    /** Starts the poll timer and the watch stream (and the first fetch of a restarted mirror). */
    public void start() {
        if (deferred) {
            ring();
        }
        long every = mirror.pollEvery().toMillis();
        worker.scheduleWithFixedDelay(this::ring, every, every, TimeUnit.MILLISECONDS);
        if (doorbell != null) {
            doorbell.start();
        }
    }

    public MirrorStatus status() {
        return status;
    }

    /** The watch stream reported {@code primaryMain}: fetch unless the mirror already has it. */
    private void rang(String primaryMain) {
        try {
            if (repository.mainIfAny().map(ObjectId::name).filter(primaryMain::equals).isPresent()) {
                return;
            }
        } catch (IOException e) {
            // fetch anyway: the fetch reports what is wrong
        }
        ring();
    }

    /** Asks for a fetch; one already queued covers this one. */
    private void ring() {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    follow();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false); // closing
            }
        }
    }

    /** One fetch and update; never throws: the outcome goes to the status, metrics and log. */
    private synchronized void follow() {
        Instant at = clock.instant();
        try {
            Map<String, ObjectId> refs = fetch.fetch(repository.git());
            MirrorUpdate.Outcome o = update.apply(mirror.primary(), refs);
            if ((o.result() == MirrorUpdate.Result.UPDATED || o.result() == MirrorUpdate.Result.FIRST)
                    && index.loaded()) {
                index.refresh();
            }
            status.fetched(o, at);
            packs.maybeCollect(repository.git());
            metrics.fetched(switch (o.result()) {
                case FIRST, UPDATED -> "updated";
                case UNCHANGED -> "unchanged";
                case REFUSED -> "refused";
            });
            if (o.result() == MirrorUpdate.Result.REFUSED) {
                warnOnce("mirror: refusing the primary: " + o.problem());
            } else {
                if (logged != null) {
                    LOG.info("mirror: following {} again, main at {}", mirror.primary(), o.main().name());
                    logged = null;
                }
                if (o.result() != MirrorUpdate.Result.UNCHANGED) {
                    LOG.info("mirror: main {} {}", o.result().name().toLowerCase(Locale.ROOT), o.main().name());
                }
            }
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            status.unreachable(why, at);
            metrics.fetched("failed");
            warnOnce("mirror: " + why + "; serving the last good main");
        }
    }

    private void warnOnce(String line) {
        if (!line.equals(logged)) {
            LOG.warn(line);
            logged = line;
        }
    }

    @Override
    public void close() {
        if (doorbell != null) {
            doorbell.close();
        }
        bellTimer.shutdownNow();
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS); // a fetch in progress may hold the repository
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
