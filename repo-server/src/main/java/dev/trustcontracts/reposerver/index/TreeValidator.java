package dev.trustcontracts.reposerver.index;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.tree.GitDiffWalk;
import dev.trustcontracts.core.tree.GitTree;
import dev.trustcontracts.core.tree.RepositoryLayout;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.ScanState;
import dev.trustcontracts.core.tree.TreeDiff;
import dev.trustcontracts.core.tree.TreeScanner;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Judges the tree a push (or an API commit) would put on a branch, with {@link TreeScanner} on the commit's
 * {@link GitTree}. The new tree's state is derived from main's by the diff between the two commits
 * ({@link TreeScanner#rescan}): a push that changes one contract reads and verifies one file, whatever the
 * size of the repository; the rules across files and the time bounds are then judged over the whole tree.
 *
 * <p>{@code main}: every problem blocks, except a time-dependent one (expired, not yet valid, a certificate
 * out of its window) in a file the push does not touch. Such a file was valid when it reached main; it
 * has already dropped out of the index, and blocking on it would block unrelated revocations. It is
 * reported as a warning so that an admin deletes it.
 *
 * <p>Proposal branches: the same, except that missing signatures and a window that has not started are
 * allowed (reported as notes): a proposal collects its signatures there.
 */
public final class TreeValidator {
    private static final String CONTRACTS = RepositoryLayout.CONTRACTS_DIR.replaceAll("/$", "");

    private final Repository repository;
    private final TreeScanner scanner;
    private final ScanLimits limits;

    /** What the validation found; {@code state} is the new tree's, ready to become the index's. */
    public record Verdict(ObjectId commit, List<Problem> blocking, List<Problem> warnings, ScanState state,
                          ScanResult scan, Instant at, Duration took) {
        public boolean accepted() {
            return blocking.isEmpty();
        }

        public Scanned scanned() {
            return new Scanned(commit, state);
        }
    }

    /** A commit and the scan state of its tree. */
    public record Scanned(ObjectId commit, ScanState state) {
    }

    public TreeValidator(Repository repository, TreeScanner scanner, ScanLimits limits) {
        this.repository = repository;
        this.scanner = scanner;
        this.limits = limits;
    }

    public TreeScanner scanner() {
        return scanner;
    }

    public ScanLimits limits() {
        return limits;
    }

    /**
     * The same validator reading objects from {@code objects} (a push's quarantine, which sees the
     * repository's objects and the push's); the verification cache is shared.
     */
    public TreeValidator reading(Repository objects) {
        return objects == repository ? this : new TreeValidator(objects, scanner, limits);
    }

    /** Judges {@code commit} as the next main, coming from {@code base} (the current main). */
    public Verdict forMain(Scanned base, ObjectId commit, Instant now) throws IOException {
        return judge(base, commit, now, false);
    }

    /** Judges {@code commit} as a proposal branch; {@code main} tells which files the proposal changes. */
    public Verdict forProposal(Scanned main, ObjectId commit, Instant now) throws IOException {
        return judge(main, commit, now, true);
    }

    /** Reads a whole commit's tree (verifications cached by blob id), for a start or an unknown base. */
    public Scanned scan(ObjectId commit) throws IOException {
        return new Scanned(commit, scanner.state(new GitTree(repository, commit, limits.maxFileBytes())));
    }

    /** The state of {@code commit}'s tree derived from a known one by their diff. */
    public Scanned rescan(Scanned base, ObjectId commit) throws IOException {
        if (base.commit().equals(commit)) {
            return base;
        }
        return new Scanned(commit, scanner.rescan(base.state(), new GitTree(repository, commit, limits.maxFileBytes()),
                GitTree.diff(repository, base.commit(), commit, limits.maxFileBytes())));
    }

    private Verdict judge(Scanned base, ObjectId commit, Instant now, boolean proposal) throws IOException {
        long start = System.nanoTime();
        int changedFiles = countChanged(base.commit(), commit, limits.maxChangedFiles() + 1);
        if (changedFiles > limits.maxChangedFiles()) {
            // refused before a single file is read: verifying is what costs (about a millisecond a file)
            Problem p = Problem.of(RepositoryLayout.CONTRACTS_DIR, Rule.TOO_MANY_FILES, "more than "
                    + limits.maxChangedFiles() + " files under " + RepositoryLayout.CONTRACTS_DIR
                    + " added or changed at once (at most " + limits.maxChangedFiles() + "); split the change");
            return new Verdict(commit, List.of(p), List.of(), null, new ScanResult(List.of(), List.of(p)), now,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        Set<String> changed = new HashSet<>();
        boolean[] diffRead = {false};
        TreeDiff diff = GitTree.diff(repository, base.commit(), commit, limits.maxFileBytes());
        TreeDiff recording = consumer -> {
            diff.forEach(c -> {
                if (!c.deleted()) {
                    changed.add(c.path());
                }
                consumer.accept(c);
            });
            diffRead[0] = true;
        };
        ScanState state = scanner.rescan(base.state(), new GitTree(repository, commit, limits.maxFileBytes()), recording);
        ScanResult scan = state.judge(now);
        if (!diffRead[0] && !scan.clean()) {
            changed.addAll(changedPaths(base.commit(), commit)); // the scanner fell back to a full read
        }
        List<Problem> blocking = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        for (Problem p : scan.problems()) {
            // warnings, not blocks, in files a push does not touch: a configured shorter window or the clock
            // must not block unrelated revocations
            boolean untouchedAging = p.rule().blocksOnlyChangedFiles() && !changed.contains(p.file());
            boolean allowed = proposal && p.rule().isAllowedOnProposals();
            (untouchedAging || allowed ? warnings : blocking).add(p);
        }
        return new Verdict(commit, blocking, warnings, state, scan, now, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * How many entries under {@code contracts/} are added or changed from {@code base} to {@code commit},
     * counting up to {@code stop}: a walk of the two trees that reads no blob and skips equal subtrees.
     */
    int countChanged(ObjectId base, ObjectId commit, int stop) throws IOException {
        int[] n = {0};
        if (stop <= 0) {
            return 0;
        }
        try (ObjectReader reader = repository.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            GitDiffWalk.walk(reader, GitDiffWalk.treeOf(rw, base), rw.parseCommit(commit).getTree(),
                    GitDiffWalk.under(CONTRACTS), c -> {
                        if (!c.deleted()) {
                            n[0]++;
                        }
                        return n[0] < stop;
                    });
        }
        return n[0];
    }

    /** Paths whose content differs between the two commits' trees (added or modified in {@code commit}). */
    Set<String> changedPaths(ObjectId base, ObjectId commit) throws IOException {
        Set<String> out = new HashSet<>();
        try (ObjectReader reader = repository.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            GitDiffWalk.forEach(reader, GitDiffWalk.treeOf(rw, base), rw.parseCommit(commit).getTree(),
                    TreeFilter.ALL, c -> {
                        if (!c.newId().equals(ObjectId.zeroId())) {
                            out.add(c.path());
                        }
                    });
        }
        return out;
    }
}
