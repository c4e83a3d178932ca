package dev.trustcontracts.core.history;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.tree.GitDiffWalk;
import dev.trustcontracts.core.tree.RepositoryLayout;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The history rules of main, one implementation for the repo-server and every agent.
 *
 * <ol>
 * <li><b>First parent.</b> main may only move from {@code old} to a commit whose first-parent chain
 *     contains {@code old}. Being an ancestor is not enough: a merge whose first parent predates a
 *     revocation, or is a made-up orphan, has main as an ancestor but a first-parent history (what main
 *     "was") without the revocation.</li>
 * <li><b>Removals.</b> Every commit reachable from the new head and not from the old one counts, not only
 *     first parents, and each is compared with each of its parents. A commit removes id {@code I} when a
 *     parent has a file at a contract path that is <em>sound apart from time</em> (parses, every structural
 *     rule, hash, signature and signer chain holds) with id {@code I}, the commit changed or deleted that
 *     path, and no sound file of the commit's tree carries {@code I} (a re-signing or an edit in place that
 *     stays sound keeps the id, so does a rename; an edit that leaves the file unsound drops it).</li>
 * </ol>
 *
 * <p>Time bounds are left out on purpose: the only time a commit offers is the one its author wrote, so
 * validity "at the commit's time" would be the pusher's choice. A contract that had expired when it was
 * deleted still counts as removed (its id is retired either way). An unsigned or mis-signed file never
 * carried trust, so its removal revokes nothing: adding and deleting junk with a victim's id is harmless.
 *
 * <p>Work is bounded by {@link HistoryLimits}, and facts about files are cached by blob id, so a history is
 * parsed and verified once per distinct file content. Thread-safe.
 */
public final class HistoryRules {
    private static final TreeFilter CONTRACTS = GitDiffWalk.under(RepositoryLayout.CONTRACTS_DIR);

    private final ContractFacts facts;
    private final HistoryLimits limits;

    public HistoryRules(ContractVerifier verifier, long maxBlobBytes, HistoryLimits limits) {
        this.facts = new ContractFacts(verifier, maxBlobBytes);
        this.limits = limits;
    }

    public HistoryLimits limits() {
        return limits;
    }

    /**
     * Why main may not move from {@code old} to {@code head}, or empty when it may: {@code old} must be on
     * {@code head}'s first-parent chain, found within {@link HistoryLimits#commitsPerUpdate} first parents.
     * A commit the repository lacks is not on the chain.
     */
    public Optional<String> firstParentProblem(Repository repository, ObjectId old, ObjectId head) throws IOException {
        if (old.equals(head)) {
            return Optional.empty();
        }
        String refusal = "main may only move to a commit whose first-parent chain contains " + old.name()
                + "; " + head.name() + "'s does not";
        try (RevWalk rw = new RevWalk(repository)) {
            RevCommit c;
            try {
                c = rw.parseCommit(head);
            } catch (MissingObjectException | IncorrectObjectTypeException e) {
                return Optional.of(refusal + " (" + head.name() + " is not a commit here)");
            }
            for (int read = 0; read < limits.commitsPerUpdate(); read++) {
                if (c.getParentCount() == 0) {
                    return Optional.of(refusal);
                }
                RevCommit parent;
                try {
                    parent = rw.parseCommit(c.getParent(0));
                } catch (MissingObjectException e) {
                    return Optional.of(refusal + " (first parent " + c.getParent(0).name() + " is missing)");
                }
                if (parent.equals(old)) {
                    return Optional.empty();
                }
                c = parent;
            }
            return Optional.of(refusal + " within " + limits.commitsPerUpdate() + " first parents");
        }
    }

    /**
     * The ids removed by the commits reachable from {@code to} and not from {@code from}, keyed by id (one
     * removal per id, the first found).
     *
     * @throws HistoryException when more than {@link HistoryLimits#commitsPerUpdate} commits are involved
     */
    public Map<String, Removal> removalsSince(Repository repository, ObjectId from, ObjectId to)
            throws IOException, HistoryException {
        return removals(repository, from, to, limits.commitsPerUpdate());
    }

    /**
     * The ids removed anywhere in the history of {@code to}: what a reader with no earlier state (a fresh
     * agent, a starting server) needs.
     *
     * @throws HistoryException when the history has more than {@link HistoryLimits#commitsFromRoot} commits
     */
    public Map<String, Removal> removalsFromRoot(Repository repository, ObjectId to) throws IOException, HistoryException {
        return removals(repository, null, to, limits.commitsFromRoot());
    }

    /**
     * The ids carried by the contract files that differ from commit {@code base} (null: the empty tree) to
     * commit {@code tip} and parse, by path: the files a push brings. Unparsable files carry no id.
     */
    public Map<String, String> idsBrought(Repository repository, ObjectId base, ObjectId tip) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ObjectReader reader = repository.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            GitDiffWalk.forEach(reader, base == null ? null : rw.parseCommit(base).getTree(),
                    rw.parseCommit(tip).getTree(), CONTRACTS, c -> {
                        String path = c.path();
                        if (RepositoryLayout.isContractPath(path) && isFile(c.newMode())) {
                            String id = facts.parsed(reader, c.newId(), path).id();
                            if (id != null && !id.isEmpty()) {
                                out.put(path, id);
                            }
                        }
                    });
        }
        return out;
    }

    private Map<String, Removal> removals(Repository repository, ObjectId from, ObjectId to, int maxCommits)
            throws IOException, HistoryException {
        Map<String, Removal> removed = new LinkedHashMap<>();
        try (ObjectReader reader = repository.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            rw.markStart(rw.parseCommit(to));
            if (from != null) {
                rw.markUninteresting(rw.parseCommit(from));
            }
            int read = 0;
            for (RevCommit c : rw) {
                if (++read > maxCommits) {
                    throw new HistoryException("more than " + maxCommits + " commits between "
                            + (from == null ? "the root" : from.name()) + " and " + to.name()
                            + " (history limit); not read");
                }
                for (Removal r : commitRemovals(reader, rw, c)) {
                    removed.putIfAbsent(r.id(), r);
                }
            }
        }
        return removed;
    }

    /** The removals of one commit, compared with each of its parents (a root commit removes nothing). */
    private Iterable<Removal> commitRemovals(ObjectReader reader, RevWalk rw, RevCommit c) throws IOException {
        Map<String, Removal> candidates = new HashMap<>();
        for (RevCommit p : c.getParents()) {
            RevTree parentTree = rw.parseCommit(p).getTree();
            GitDiffWalk.forEach(reader, parentTree, c.getTree(), CONTRACTS, change -> {
                String path = change.path();
                if (!RepositoryLayout.isContractPath(path) || !isFile(change.oldMode())) {
                    return;
                }
                ContractFacts.Fact before = facts.verified(reader, change.oldId(), path);
                if (!Boolean.TRUE.equals(before.sound()) || before.id().isEmpty()) {
                    return; // it never carried trust: its removal revokes nothing
                }
                if (isFile(change.newMode())) {
                    ContractFacts.Fact after = facts.verified(reader, change.newId(), path);
                    if (Boolean.TRUE.equals(after.sound()) && before.id().equals(after.id())) {
                        return; // re-signed or edited in place and still sound: the same contract
                    }
                }
                // an edit that leaves the file unsound drops the id as a deletion does: otherwise an
                // unsigned edit followed by a deletion would revoke without retiring the id
                candidates.putIfAbsent(before.id(),
                        new Removal(before.id(), before.name(), path, c.name(), before.notAfter()));
            });
        }
        if (!candidates.isEmpty()) {
            candidates.keySet().removeAll(soundIdsAmong(reader, c, candidates.keySet()));
        }
        return candidates.values();
    }

    /** Which of {@code ids} a sound file anywhere in {@code c}'s tree carries (a contract moved to another path). */
    private Set<String> soundIdsAmong(ObjectReader reader, RevCommit c, Set<String> ids) throws IOException {
        Set<String> present = new HashSet<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            tw.setFilter(CONTRACTS);
            while (tw.next()) {
                String path = tw.getPathString();
                if (!RepositoryLayout.isContractPath(path) || !isFile(tw.getFileMode(0))) {
                    continue;
                }
                ObjectId blob = tw.getObjectId(0);
                String id = facts.parsed(reader, blob, path).id();
                if (id != null && ids.contains(id) && Boolean.TRUE.equals(facts.verified(reader, blob, path).sound())) {
                    present.add(id);
                }
            }
        }
        return present;
    }

    private static boolean isFile(FileMode m) {
        return (m.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
    }
}
