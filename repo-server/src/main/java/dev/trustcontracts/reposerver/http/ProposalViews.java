package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.RefNamePolicy;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;

/**
 * {@code GET /api/proposals/<branch>} answers, cached by (main, tip): judging a proposal and diffing it costs
 * a verification per changed file, and the page is read far more often than the branch moves. At most
 * {@value #MAX_ENTRIES} views are kept (least recently used out); a view is recomputed after
 * {@link #FRESH} because its problems depend on the time (a window opening or running out); concurrent
 * requests for the same view share one computation. A proposal that changes more files than a push may
 * is answered with {@code 422} and one line, before any file is read.
 */
final class ProposalViews {
    static final int MAX_ENTRIES = 32;
    static final Duration FRESH = Duration.ofMinutes(1);

    private record Key(ObjectId main, ObjectId tip, String branch) {
    }

    private record Entry(Instant at, CompletableFuture<Map<String, Object>> view) {
    }

    private final ContractRepository repository;
    private final ContractIndex index;
    private final TreeValidator validator;
    private final Clock clock;
    private final AtomicInteger computed = new AtomicInteger();
    private final Map<Key, Entry> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    ProposalViews(ContractRepository repository, ContractIndex index, TreeValidator validator, Clock clock) {
        this.repository = repository;
        this.index = index;
        this.validator = validator;
        this.clock = clock;
    }

    Map<String, Object> view(String branch, ObjectId tip) throws IOException {
        Key key = new Key(repository.main(), tip, branch);
        Instant now = clock.instant();
        CompletableFuture<Map<String, Object>> mine = null;
        CompletableFuture<Map<String, Object>> view;
        synchronized (cache) {
            Entry e = cache.get(key);
            if (e == null || now.isAfter(e.at().plus(FRESH)) || now.isBefore(e.at())) {
                mine = new CompletableFuture<>();
                cache.put(key, new Entry(now, mine));
            }
            view = mine != null ? mine : e.view();
        }
        if (mine != null) {
            try {
                mine.complete(compute(branch, tip, now));
            } catch (IOException | RuntimeException ex) {
                mine.completeExceptionally(ex);
                synchronized (cache) {
                    cache.remove(key); // a failure is not kept: the next request tries again
                }
            }
        }
        try {
            return view.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** How many views were computed rather than served from the cache (for tests and metrics). */
    int computed() {
        return computed.get();
    }

    private Map<String, Object> compute(String branch, ObjectId tip, Instant now) throws IOException {
        computed.incrementAndGet();
        TreeValidator.Verdict verdict = validator.forProposal(index.scanned(), tip, now);
        if (verdict.state() == null) {
            // refused before reading (too many changed files): there is nothing to show but the reason
            throw new ApiException(422, "proposal " + RefNamePolicy.printable(branch) + " is too large to show: "
                    + verdict.blocking().get(0).message(), verdict.blocking().stream().map(Object::toString).toList());
        }
        Map<String, Object> view = ProposalView.json(repository, branch, tip, verdict, validator.limits().maxFileBytes());
        // a file carrying an id removed from main's history: the merge would be refused (409), so say so here
        List<String> replays = index.history().proposalNotes(repository.git(), repository.main(), tip);
        view.put("replays", replays);
        if (!replays.isEmpty()) {
            view.put("mergeable", false);
        }
        return view;
    }
}
