package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.history.HistoryException;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.history.Removal;
import dev.trustcontracts.core.tree.ScanResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of contract-core's {@link HistoryRules}: main only moves along first parents, and the
 * ids removed from main's history never come back on it. The removed ids are derived from main's history
 * (once from the root at start, bounded, then per update from the diff of histories) and kept in memory per
 * commit of main, so that the index, API, UI and gRPC never show a contract the agents refuse as a replay.
 * Thread-safe: pushes and API commits call it under {@link RefUpdates}' lock, the index from its clock.
 */
public final class MainHistory {
    private static final Logger LOG = LoggerFactory.getLogger(MainHistory.class);

    private final Repository repository;
    private final HistoryRules rules;
    /** The removed ids as of commit {@code known} of main, and the ones a judged update would lead to. */
    private Known known;
    private Known pending;

    private record Known(ObjectId commit, Map<String, Removal> removed) {
    }

    public MainHistory(Repository repository, HistoryRules rules) {
        this.repository = repository;
        this.rules = rules;
    }

    /** Why main may not move from {@code old} to {@code next}, or empty (the first-parent rule). */
    public synchronized Optional<String> firstParentProblem(ObjectId old, ObjectId next) throws IOException {
        return firstParentProblem(repository, old, next);
    }

    /**
     * As {@link #firstParentProblem(ObjectId, ObjectId)}, reading objects from {@code source}: a push's
     * quarantine, which sees the repository's objects and the pushed ones.
     */
    synchronized Optional<String> firstParentProblem(Repository source, ObjectId old, ObjectId next)
            throws IOException {
        return rules.firstParentProblem(source, old, next);
    }

    /** The ids removed in main's history up to {@code main}. */
    public synchronized Map<String, Removal> removedAt(ObjectId main) throws IOException {
        if (known != null && known.commit().equals(main)) {
            return known.removed();
        }
        if (pending != null && pending.commit().equals(main)) {
            known = pending;
            pending = null;
            return known.removed();
        }
        Map<String, Removal> removed;
        try {
            if (known != null && rules.firstParentProblem(repository, known.commit(), main).isEmpty()) {
                removed = new HashMap<>(known.removed());
                rules.removalsSince(repository, known.commit(), main).forEach(removed::putIfAbsent);
            } else {
                removed = rules.removalsFromRoot(repository, main);
            }
        } catch (HistoryException e) {
            // never stuck: main keeps working; only the removals seen from now on are known
            LOG.warn("main {}: {}; replays of contracts removed before are not recognised by the server",
                    main.name(), e.getMessage());
            removed = known == null ? Map.of() : known.removed();
        }
        known = new Known(main.copy(), Map.copyOf(removed));
        return known.removed();
    }

    /**
     * Judges a move of main from {@code old} to {@code next} (already valid as a tree and along first
     * parents) whose tree scanned as {@code scan}: refused when a valid contract in it carries an id removed
     * in main's history, and the file is brought by this update or its id is removed by this very update
     * (a delete and re-add in one push); the new commits are read from {@code source} (a push's quarantine, or
     * the repository). Returns the refusal lines, empty when accepted; then {@link
     * #removedAt} of {@code next} is known without another walk.
     */
    synchronized List<String> replays(Repository source, ObjectId old, ObjectId next, ScanResult scan)
            throws IOException {
        Map<String, Removal> before = removedAt(old);
        Map<String, Removal> fresh;
        try {
            fresh = rules.removalsSince(source, old, next);
        } catch (HistoryException e) {
            return List.of("main: " + e.getMessage() + "; push fewer commits at a time");
        }
        Map<String, String> brought = rules.idsBrought(source, old, next);
        List<String> out = new ArrayList<>();
        for (VerifiedContract c : scan.valid()) {
            Removal r = fresh.containsKey(c.id()) ? fresh.get(c.id()) : before.get(c.id());
            if (r != null && (fresh.containsKey(c.id()) || c.id().equals(brought.get(c.path())))) {
                out.add(line(c.path(), r));
            }
        }
        if (out.isEmpty()) {
            Map<String, Removal> after = new HashMap<>(before);
            fresh.forEach(after::putIfAbsent);
            pending = new Known(next.copy(), Map.copyOf(after));
        }
        return out;
    }

    /**
     * Notes for a proposal push: the contract files the proposal brings (against its merge base with main)
     * that carry an id removed from main. The proposal is kept (it may be a stale branch, and drafts are
     * fixed on proposals), but main will refuse it as it is.
     */
    public synchronized List<String> proposalNotes(Repository source, ObjectId main, ObjectId tip) throws IOException {
        Map<String, Removal> removed = removedAt(main);
        if (removed.isEmpty()) {
            return List.of();
        }
        ObjectId base = mergeBase(source, main, tip);
        List<String> out = new ArrayList<>();
        rules.idsBrought(source, base, tip).forEach((path, id) -> {
            Removal r = removed.get(id);
            if (r != null) {
                out.add("warning (main will refuse this proposal as it is): " + line(path, r));
            }
        });
        return out;
    }

    public static String line(String path, Removal r) {
        return path + ": [replay] id " + r.id() + " was removed from main in commit " + r.commit() + " ("
                + r.path() + "); a removed contract never comes back: make a new contract (a new id)";
    }

    private static ObjectId mergeBase(Repository source, ObjectId main, ObjectId tip) throws IOException {
        try (RevWalk rw = new RevWalk(source)) {
            rw.setRevFilter(RevFilter.MERGE_BASE);
            rw.markStart(rw.parseCommit(main));
            rw.markStart(rw.parseCommit(tip));
            RevCommit base = rw.next();
            return base == null ? null : base.copy();
        }
    }
}
