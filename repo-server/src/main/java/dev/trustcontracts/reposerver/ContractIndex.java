package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.tree.ScanResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The valid contracts on main, as an immutable {@link IndexSnapshot} swapped when main moves (pushes and API
 * commits publish the scan they validated) and when the clock makes a contract expire: the index re-judges
 * itself at the next {@code validUntil}, and at least every {@code recheck} (which also notices a main
 * changed behind the server's back). Requests only read the current snapshot: nothing rescans per request.
 */
public final class ContractIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContractIndex.class);

    private final ContractRepository repository;
    private final TreeValidator validator;
    private final Clock clock;
    private final Duration recheck;
    private final List<Consumer<IndexSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "contract-index-clock");
        t.setDaemon(true);
        return t;
    });
    private volatile IndexSnapshot current;
    private ScheduledFuture<?> next;

    public ContractIndex(ContractRepository repository, TreeValidator validator, Clock clock, Duration recheck) {
        this.repository = repository;
        this.validator = validator;
        this.clock = clock;
        this.recheck = recheck;
    }

    /** Scans main once; call before serving. */
    public void load() throws IOException {
        refresh();
    }

    public IndexSnapshot current() {
        IndexSnapshot s = current;
        if (s == null) {
            throw new IllegalStateException("the index is not loaded");
        }
        return s;
    }

    public boolean loaded() {
        return current != null;
    }

    /** Called with every new snapshot, on the publishing thread; must not block. */
    public void addListener(Consumer<IndexSnapshot> listener) {
        listeners.add(listener);
    }

    /** Publishes a scan of {@code commit} that the caller has just made (a validated push). */
    public synchronized void publish(ObjectId commit, ScanResult scan, Instant at) {
        IndexSnapshot snapshot = new IndexSnapshot(commit.name(), at, scan.valid());
        IndexSnapshot before = current;
        current = snapshot;
        schedule(snapshot);
        if (before == null || !before.fingerprint().equals(snapshot.fingerprint())) {
            for (Consumer<IndexSnapshot> l : listeners) {
                try {
                    l.accept(snapshot);
                } catch (RuntimeException e) {
                    LOG.warn("index listener failed", e);
                }
            }
        }
    }

    /** Re-reads main and re-judges it at the current time; publishes when anything changed. */
    public synchronized void refresh() throws IOException {
        ObjectId main = repository.main();
        Instant now = clock.instant();
        publish(main, validator.scan(main, now), now);
    }

    private void schedule(IndexSnapshot snapshot) {
        if (next != null) {
            next.cancel(false);
        }
        Instant now = clock.instant();
        Instant at = now.plus(recheck);
        Optional<Instant> expiry = snapshot.nextExpiry();
        if (expiry.isPresent() && expiry.get().isBefore(at)) {
            // validUntil is the last valid instant: re-judge just after it
            at = expiry.get().plusMillis(1);
        }
        long delay = Math.max(0, Duration.between(now, at).toMillis());
        try {
            next = timer.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            next = null; // closing
        }
    }

    private void tick() {
        try {
            refresh();
        } catch (IOException | RuntimeException e) {
            LOG.warn("re-judging main failed: {}", e.toString());
            synchronized (this) {
                if (current != null) {
                    schedule(current);
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
