package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.HeartbeatPublisher;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the heartbeat is published: once at start (before the server is ready), every {@code --heartbeat-every},
 * and right after main changes (the index's listener, in the thread that moved main, when the valid contracts
 * changed; otherwise within a second, by a check of the ref). A failed publication is
 * logged and retried at the next tick; the last heartbeat stays at the ref and ages, which agents see.
 */
public final class HeartbeatService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatService.class);
    private static final long MAIN_CHECK_MILLIS = 1000;

    private final HeartbeatPublisher publisher;
    private final ScheduledExecutorService ticks;

    private HeartbeatService(HeartbeatPublisher publisher, ScheduledExecutorService ticks) {
        this.publisher = publisher;
        this.ticks = ticks;
    }

    /**
     * Loads the key (refusing one others can read), publishes the first heartbeat and starts the ticks.
     *
     * @throws IOException naming the key or certificate file, or the repository, on failure
     */
    static HeartbeatService start(RepoServerConfig.HeartbeatOptions options, ContractRepository repository,
            Clock clock) throws IOException {
        HeartbeatKey key = HeartbeatKey.load(options.key(), options.cert());
        HeartbeatPublisher publisher;
        try {
            publisher = new HeartbeatPublisher(repository, key.signer(), clock);
        } catch (IllegalArgumentException e) {
            throw new IOException(options.key() + ": " + e.getMessage(), e);
        }
        Heartbeat first = publisher.publish();
        LOG.info("heartbeat {} published at {} (main {}), then every {}", first.sequence(), HeartbeatPublisher.REF,
                first.mainCommit(), options.every());
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        HeartbeatService service = new HeartbeatService(publisher, ticks);
        long every = options.every().toMillis();
        ticks.scheduleWithFixedDelay(service::publishQuietly, every, every, TimeUnit.MILLISECONDS);
        // the index tells of a new valid set at once; a main whose contracts did not change (a README, a note) is
        // noticed here within a second (reading the ref costs a file stat)
        ticks.scheduleWithFixedDelay(() -> service.publishIfMainMoved(repository), MAIN_CHECK_MILLIS,
                MAIN_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return service;
    }

    /** The index's listener: a new main gets its heartbeat at once, not at the next tick. */
    void mainChanged(IndexSnapshot snapshot) {
        Heartbeat last = publisher.last();
        if (last == null || !last.mainCommit().equals(snapshot.commit())) {
            publishQuietly();
        }
    }

    private void publishIfMainMoved(ContractRepository repository) {
        try {
            Heartbeat last = publisher.last();
            if (last == null || !last.mainCommit().equals(repository.main().name())) {
                publishQuietly();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read main for the heartbeat: {}", e.toString());
        }
    }

    /** Publishes now; a failure is logged and the next tick tries again. */
    public void publishQuietly() {
        try {
            publisher.publish();
        } catch (IOException | RuntimeException e) {
            LOG.warn("publishing the heartbeat failed (the last one stays at {} and ages): {}", HeartbeatPublisher.REF,
                    e.toString());
        }
    }

    /** The last heartbeat published. */
    public Heartbeat last() {
        return publisher.last();
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        try {
            ticks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
