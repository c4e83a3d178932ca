package dev.trustcontracts.reposerver.index;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.history.Removal;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.MainHistory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final MainHistory history;
    /** The replays last hidden, so that each is logged once. */
    private List<String> hidden = List.of();
    /** The names of every contract removed from main's history so far (they only grow), and the map they came from. */
    private volatile java.util.Set<String> removedNames = java.util.Set.of();
    private Map<String, Removal> removedFrom;
    private final List<Consumer<IndexSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "contract-index-clock");
        t.setDaemon(true);
        return t;
    });
    private volatile IndexSnapshot current;
    private volatile TreeValidator.Scanned scanned;
    private ScheduledFuture<?> next;

    public ContractIndex(ContractRepository repository, TreeValidator validator, Clock clock, Duration recheck,
                  MainHistory history) {
        this.repository = repository;
        this.history = history;
        this.validator = validator;
        this.clock = clock;
        this.recheck = recheck;
    }

    /** Scans main once and saves the new verifications for the next start; call before serving. */
    public void load() throws IOException {
        refresh();
        persistVerifications();
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
    public synchronized void publish(TreeValidator.Scanned state, ScanResult scan, Instant at) throws IOException {
        scanned = state;
        IndexSnapshot snapshot = new IndexSnapshot(state.commit().name(), at, trusted(state.commit(), scan.valid()));
        IndexSnapshot before = current;
        current = snapshot;
        schedule(snapshot);
        try {
            timer.execute(this::persistVerifications); // off the push's path: only the next start needs it
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
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

    /** Writes the verification cache when something new was verified; a failure costs only the next start's speed. */
    private void persistVerifications() {
        try {
            validator.scanner().persist();
        } catch (IOException e) {
            LOG.warn("could not save the verification cache: {}", e.getMessage());
        }
    }

    /**
     * Whether a contract of this name was ever removed from main (as far as main's history is known): the API
     * answers {@code 410} only for those, and a name never removed gets its {@code 404} without a walk of history.
     */
    public boolean everRemoved(String name) {
        return removedNames.contains(name);
    }

    /** The removals of main's history that this index hides replays by (proposal views ask it too). */
    public MainHistory history() {
        return history;
    }

    /** The validator that judges main for this index (and proposals against it). */
    public TreeValidator validator() {
        return validator;
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

    /**
     * The valid contracts without those whose id was removed from main's history: the agents ignore them as
     * replays, so the index does too. Pushes can no longer bring one; this covers a main that already held
     * one (from before the rule, or moved behind the server's back).
     */
    private List<VerifiedContract> trusted(ObjectId main, List<VerifiedContract> valid) throws IOException {
        Map<String, Removal> removed = history.removedAt(main);
        if (removed != removedFrom) {
            removedFrom = removed;
            removedNames = removed.values().stream().map(Removal::name)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
        if (removed.isEmpty()) {
            return valid;
        }
        List<VerifiedContract> out = new ArrayList<>(valid.size());
        List<String> replays = new ArrayList<>();
        for (VerifiedContract c : valid) {
            Removal r = removed.get(c.id());
            if (r == null) {
                out.add(c);
            } else {
                replays.add(MainHistory.line(c.path(), r));
            }
        }
        if (!replays.isEmpty() && !replays.equals(hidden)) {
            LOG.warn("main {}: {} valid contract(s) not listed (replays, agents ignore them; delete the files):\n  {}",
                    main.name(), replays.size(), String.join("\n  ", replays));
        }
        hidden = replays;
        return out;
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
