package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.tree.GitTree;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.ScanState;
import dev.trustcontracts.core.tree.TreeScanner;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans commits' trees with a {@link TreeScanner} and reuses what it can: a new commit is read as a diff
 * from the last one scanned (only the changed files are read and verified; the scanner also caches
 * verifications by blob id), and the last result is reused while it cannot have changed: same commit, and
 * now before the earliest instant a valid contract stops holding. A tree with any time-dependent problem
 * (a contract not yet valid, or expired) is judged again every time, so that nothing waits on the cache.
 * New verifications are saved after each read of a tree (the scanner's {@code VerificationStore}), so that
 * the first scan after a restart restores them instead of verifying every signature again.
 */
final class ScanCache {
    private static final Logger LOG = LoggerFactory.getLogger(ScanCache.class);
    private final TreeScanner scanner;
    private final ScanLimits limits;
    private ObjectId commit;
    private ScanState state;
    private ScanResult result;
    private Instant reuseUntil = Instant.MIN;

    ScanCache(TreeScanner scanner, ScanLimits limits) {
        this.scanner = scanner;
        this.limits = limits;
    }

    /**
     * @param ownRootHashes the zone's own roots (current and next): the cache keeps summaries of the contracts
     *                      that list none of them; when they change, the state is read again in full
     */
    ScanResult scan(Repository repository, ObjectId commit, Instant now, List<String> ownRootHashes)
            throws IOException {
        if (scanner.zone(ownRootHashes)) {
            clear();
        }
        if (commit.equals(this.commit) && now.isBefore(reuseUntil)) {
            return result;
        }
        if (!commit.equals(this.commit) || state == null) {
            state = read(repository, commit);
            persist();
        }
        ScanResult r = state.judge(now);
        Instant until = Instant.MAX;
        for (Problem p : r.problems()) {
            if (p.rule().isTimeDependent()) {
                until = Instant.MIN;
                break;
            }
        }
        for (VerifiedContract c : r.valid()) {
            if (c.validUntil().isBefore(until)) {
                until = c.validUntil();
            }
        }
        this.commit = commit.copy();
        this.result = r;
        this.reuseUntil = until;
        return r;
    }

    /** Saves new verifications for the next start; a failure costs only that start's speed. */
    private void persist() {
        try {
            scanner.persist();
        } catch (IOException e) {
            LOG.warn("could not save the verification cache: {}", e.getMessage());
        }
    }

    private ScanState read(Repository repository, ObjectId to) throws IOException {
        GitTree tree = new GitTree(repository, to, limits.maxFileBytes());
        if (state != null && this.commit != null) {
            try {
                return scanner.rescan(state, tree, GitTree.diff(repository, this.commit, to, limits.maxFileBytes()));
            } catch (org.eclipse.jgit.errors.MissingObjectException e) {
                // the previous commit is gone (a fresh clone): read the whole tree
            }
        }
        return scanner.state(tree);
    }

    void clear() {
        commit = null;
        state = null;
        result = null;
        reuseUntil = Instant.MIN;
    }
}
