package dev.trustcontracts.reposerver;

import java.io.IOException;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The pull-request flow of the embedded server: merges a proposal branch into main (a fast-forward when
 * the branch contains main, else a merge commit) when the result is valid, judged exactly as a push.
 */
public final class ProposalMerger {
    private static final int ATTEMPTS = 3;

    private final ContractRepository repository;
    private final RefUpdates updates;
    private final ServerMetrics metrics;

    /** What a merge did. */
    public record Merged(String commit, boolean fastForward, String branch) {
        Map<String, Object> json() {
            return Map.of("merged", true, "commit", commit, "fastForward", fastForward, "branch", branch);
        }
    }

    public ProposalMerger(ContractRepository repository, RefUpdates updates, ServerMetrics metrics) {
        this.repository = repository;
        this.updates = updates;
        this.metrics = metrics;
    }

    public Merged merge(String branch, Access who) throws IOException {
        try {
            Merged m = attempt(branch, who);
            metrics.merge("merged");
            return m;
        } catch (ApiException e) {
            metrics.merge("refused");
            throw e;
        }
    }

    private Merged attempt(String branch, Access who) throws IOException {
        String user = who.user();
        if (branch.equals("main")) {
            throw new ApiException(400, "main cannot be merged into itself");
        }
        Repository repo = repository.git();
        for (int i = 1; ; i++) {
            ObjectId main = repository.main();
            ObjectId tip = repository.branch(branch)
                    .orElseThrow(() -> new ApiException(404, "no branch '" + branch + "'"));
            ObjectId result;
            boolean ff;
            try (RevWalk rw = new RevWalk(repo)) {
                RevCommit mainC = rw.parseCommit(main);
                RevCommit tipC = rw.parseCommit(tip);
                if (rw.isMergedInto(tipC, mainC)) {
                    throw new ApiException(409, "branch '" + branch + "' is already merged into main");
                }
                // a fast-forward only when main is on the tip's first-parent chain; else a merge keeps main first
                ff = updates.onFirstParentChain(main, tip);
                if (ff) {
                    result = tip;
                } else {
                    ThreeWayMerger merger = MergeStrategy.RECURSIVE.newMerger(repo, true);
                    if (!merger.merge(mainC, tipC)) {
                        String paths = merger instanceof ResolveMerger r ? String.join(", ", r.getUnmergedPaths()) : "";
                        throw new ApiException(409, "branch '" + branch + "' conflicts with main"
                                + (paths.isEmpty() ? "" : ": " + paths) + "; rebase it on main");
                    }
                    result = MainCommit.write(repo, merger.getResultTreeId(), user,
                            "Merge proposal " + branch + "\n\nMerged by " + user + " through the repo-server API.\n",
                            main, tip);
                }
            }
            ZoneRule.refuse(repo, main, result, who, "merge proposal " + branch, true);
            RefUpdates.Outcome o = updates.updateMain(main, result, user, "merge " + branch + " by " + user);
            if (o.accepted()) {
                return new Merged(result.name(), ff, branch);
            }
            if (!o.rules().contains("non-fast-forward") || i >= ATTEMPTS) {
                throw ApiException.refused(o);
            }
        }
    }
}
