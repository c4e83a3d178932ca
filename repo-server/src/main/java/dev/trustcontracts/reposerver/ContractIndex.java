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
    private volatile TreeValidator.Scanned scanned;
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

    /** The scan state of the indexed commit of main: the base that pushes are judged against. */
    public TreeValidator.Scanned scanned() {
        TreeValidator.Scanned s = scanned;
        if (s == null) {
            throw new IllegalStateException("the index is not loaded");
        }
        return s;
    }

    /** Publishes a scan of a commit that the caller has just judged (a validated push or API commit). */
    public synchronized void publish(TreeValidator.Scanned state, ScanResult scan, Instant at) {
        scanned = state;
        IndexSnapshot snapshot = new IndexSnapshot(state.commit().name(), at, scan.valid());
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

    /**
     * Re-judges main at the current time (no tree walk when main has not moved) and publishes when the
     * valid set changed; a main moved behind the server's back is read from the diff.
     */
    public synchronized void refresh() throws IOException {
        ObjectId main = repository.main();
        TreeValidator.Scanned s = scanned == null ? validator.scan(main) : validator.rescan(scanned, main);
        Instant now = clock.instant();
        publish(s, s.state().judge(now), now);
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
