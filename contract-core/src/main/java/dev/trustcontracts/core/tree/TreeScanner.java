package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.Verification;
import dev.trustcontracts.core.contract.VerificationStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a tree into its set of valid contracts and the list of problems: layout, limits, every file's
 * own rules, and the rules across files (unique ids and names). Verifications are cached by content id
 * and path, so rescanning a tree where one blob changed re-verifies one file; the time-dependent rules
 * are re-judged on every scan. {@link #rescan} goes further and touches only the changed paths.
 */
public final class TreeScanner {
    private static final int CACHE_SIZE = 200_000;

    private final ContractVerifier verifier;
    private final ScanLimits limits;
    /** Verifications persisted across restarts, or null. */
    private final VerificationStore store;
    private final Map<String, Verification> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Verification> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    public TreeScanner(ContractVerifier verifier, ScanLimits limits) {
        this(verifier, limits, null);
    }

    /** @param store verifications persisted across restarts (made with the same verifier), or null */
    public TreeScanner(ContractVerifier verifier, ScanLimits limits, VerificationStore store) {
        this.verifier = verifier;
        this.limits = limits;
        this.store = store;
    }

    /**
     * Writes the verifications made since the last call to the {@link VerificationStore}, if there is one
     * and something new was verified; true when it wrote.
     */
    public boolean persist() throws IOException {
        return store != null && store.save();
    }

    /**
     * Tells the store the root hashes of the zone it keeps summaries for (an agent's own roots: see {@link
     * VerificationStore#zone}). When they changed since the last call, every summary held in memory is forgotten
     * and true is returned: a state made before holds summaries too, so the caller scans the whole tree again
     * (the files summarised are then verified again, the others come from memory).
     */
    public boolean zone(java.util.Collection<String> ownRootHashes) {
        if (store == null || !store.zone(ownRootHashes)) {
            return false;
        }
        synchronized (cache) {
            cache.values().removeIf(Verification::isSummary);
        }
        return true;
    }

    public TreeScanner() {
        this(new ContractVerifier(), ScanLimits.DEFAULT);
    }

    public ScanResult scan(TreeSource tree, Instant now) throws IOException {
        return state(tree).judge(now);
    }

    /** Reads and verifies a whole tree (cached by content id), without judging it at an instant yet. */
    public ScanState state(TreeSource tree) throws IOException {
        TreeMap<String, Verification> verified = new TreeMap<>();
        Map<String, Problem> problems = new HashMap<>();
        int[] contractFiles = {0};
        tree.forEach(e -> {
            if (entryProblem(e, problems)) {
                return;
            }
            if (++contractFiles[0] > limits.maxContractFiles()) {
                if (contractFiles[0] == limits.maxContractFiles() + 1) {
                    problems.put(e.path(), Problem.of(e.path(), Rule.TOO_MANY_FILES, "more than "
                            + limits.maxContractFiles() + " contract files; the rest are not read"));
                }
                return;
            }
            readContract(e, verified, problems);
        });
        return new ScanState(verified, problems, contractFiles[0], contractFiles[0] > limits.maxContractFiles());
    }

    /**
     * The state of a tree that differs from {@code base}'s tree by {@code diff}: only the changed paths are
     * read. Falls back to a full {@link #state} of {@code tree} when the count limit is involved (which
     * files are read then depends on the whole tree's order).
     */
    public ScanState rescan(ScanState base, TreeSource tree, TreeDiff diff) throws IOException {
        if (base.overLimit()) {
            return state(tree);
        }
        TreeMap<String, Verification> verified = new TreeMap<>(base.contracts());
        Map<String, Problem> problems = new HashMap<>(base.entryProblems());
        int[] contractFiles = {base.contractFiles()};
        diff.forEach(change -> {
            String path = change.path();
            Problem old = problems.remove(path);
            if (verified.remove(path) != null || (old != null && old.rule() == Rule.FILE_TOO_LARGE)) {
                contractFiles[0]--;
            }
            TreeEntry e = change.entry();
            if (e == null || entryProblem(e, problems)) {
                return;
            }
            contractFiles[0]++;
            readContract(e, verified, problems);
        });
        if (contractFiles[0] > limits.maxContractFiles()) {
            return state(tree);
        }
        return new ScanState(verified, problems, contractFiles[0], false);
    }

    /**
     * Records the problem of an entry that is not a contract file to read (links, submodules, files at
     * places the layout forbids), or ignores it when it is allowed; true when the entry is dealt with.
     */
    private static boolean entryProblem(TreeEntry e, Map<String, Problem> problems) {
        switch (e.kind()) {
            case SYMLINK -> problems.put(e.path(), Problem.of(e.path(), Rule.SYMLINK, "symbolic links are not allowed"));
            case SUBMODULE -> problems.put(e.path(), Problem.of(e.path(), Rule.SUBMODULE, "submodules are not allowed"));
            case FILE -> {
                if (!RepositoryLayout.isUnderContracts(e.path()) || RepositoryLayout.isAllowedExtra(e.path())) {
                    return true;
                }
                if (!RepositoryLayout.isContractPath(e.path())) {
                    problems.put(e.path(), Problem.of(e.path(), Rule.UNEXPECTED_FILE, "only contracts/<name>.yaml, "
                            + ".yml or .pb files may be under contracts/ (name: a DNS label)"));
                    return true;
                }
                return false;
            }
            default -> throw new AssertionError(e.kind());
        }
        return true;
    }

    private void readContract(TreeEntry e, Map<String, Verification> verified, Map<String, Problem> problems)
            throws IOException {
        if (e.size() > limits.maxFileBytes()) {
            problems.put(e.path(), Problem.of(e.path(), Rule.FILE_TOO_LARGE, e.size() + " bytes (at most "
                    + limits.maxFileBytes() + ")"));
            return;
        }
        verified.put(e.path(), verify(e));
    }

    private Verification verify(TreeEntry e) throws IOException {
        if (e.contentId() == null) {
            return verifier.verify(e.path(), e.content().read());
        }
        String key = e.contentId() + ' ' + e.path();
        Verification v = cache.get(key);
        if (v == null) {
            // a restored verification carries its parsed contract: the blob is read only to verify it afresh
            v = store == null ? null : store.restore(e.contentId(), e.path()).orElse(null);
            if (v == null) {
                v = verifier.verify(e.path(), e.content().read());
                if (store != null) {
                    store.record(e.contentId(), e.path(), v);
                }
            }
            cache.put(key, v);
        }
        return v;
    }
}
