package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.core.history.HistoryLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Which commit contains which, for comparing the heads of several remotes: every walk is bounded by the history
 * limits (a walk that reaches its bound answers "no", which makes the agent apply less, never more).
 */
final class Ancestry {
    private final Repository repository;
    private final HistoryLimits limits;

    Ancestry(Repository repository, HistoryLimits limits) {
        this.repository = repository;
        this.limits = limits;
    }

    /**
     * Whether {@code commit} is {@code tip} or one of its ancestors.
     *
     * @param base a commit {@code tip} descends from (the applied one), whose history need not be walked; or null
     */
    boolean contains(ObjectId tip, ObjectId commit, ObjectId base) throws IOException {
        if (tip.equals(commit) || commit.equals(base)) {
            return true;
        }
        int bound = base == null ? limits.commitsFromRoot() : limits.commitsPerUpdate();
        try (RevWalk rw = new RevWalk(repository)) {
            rw.markStart(rw.parseCommit(tip));
            if (base != null) {
                rw.markUninteresting(rw.parseCommit(base));
            }
            int read = 0;
            for (RevCommit c : rw) {
                if (c.equals(commit)) {
                    return true;
                }
                if (++read >= bound) {
                    return false;
                }
            }
            return false;
        } catch (MissingObjectException e) {
            return false;
        }
    }

    /**
     * The newest commit on the first-parent chain of every one of {@code heads} (each at most {@code stop}'s
     * descendant: the chains are read down to it), or null when they share none within the bound.
     *
     * @param stop the applied commit, on every head's first-parent chain; or null to read down to the roots
     */
    ObjectId commonFirstParent(List<ObjectId> heads, ObjectId stop) throws IOException {
        List<ObjectId> first = firstParentChain(heads.get(0), stop);
        List<Set<ObjectId>> others = new ArrayList<>();
        for (ObjectId h : heads.subList(1, heads.size())) {
            others.add(new HashSet<>(firstParentChain(h, stop)));
        }
        for (ObjectId c : first) {
            if (others.stream().allMatch(o -> o.contains(c))) {
                return c;
            }
        }
        return null;
    }

    /** {@code head} and its first parents, newest first, down to and including {@code stop} (or a root). */
    private List<ObjectId> firstParentChain(ObjectId head, ObjectId stop) throws IOException {
        int bound = stop == null ? limits.commitsFromRoot() : limits.commitsPerUpdate();
        List<ObjectId> chain = new ArrayList<>();
        try (RevWalk rw = new RevWalk(repository)) {
            RevCommit c = rw.parseCommit(head);
            while (chain.size() <= bound) {
                chain.add(c.copy());
                if (c.equals(stop) || c.getParentCount() == 0) {
                    break;
                }
                c = rw.parseCommit(c.getParent(0));
            }
        } catch (MissingObjectException e) {
            // a chain the clone does not hold entirely: what was read is all that can be compared
        }
        return chain;
    }
}
