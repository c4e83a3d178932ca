package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.Access;
import java.io.IOException;
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
public final class MergeCommand extends MainCommand<MergeCommand.Merged> {
    private String branch;
    private ObjectId expectedHead;

    /** What a merge did. */
    public record Merged(String commit, boolean fastForward, String branch) {
    }

    MergeCommand(ContractRepository repository, RefUpdates updates, ServerMetrics metrics) {
        super(repository, updates, metrics);
    }

    /** The proposal branch to merge, without {@code refs/heads/}. */
    public MergeCommand setBranch(String branch) {
        this.branch = branch;
        return this;
    }

    /**
     * The head commit of the branch the user reviewed and confirmed, or null to merge whatever the branch
     * holds. When set, the merge is refused ({@link OperationRefused.Reason#CONFLICT}) if the branch's head
     * is another commit: a push to the branch between viewing and confirming cannot slip into main. The
     * commit merged is the head read in the same attempt that checks it, so what lands is what was confirmed.
     */
    public MergeCommand setExpectedHead(ObjectId head) {
        this.expectedHead = head == null ? null : head.copy();
        return this;
    }

    /** The user who merges: a user of a zone of every contract the merge touches, or an admin. */
    public MergeCommand setUser(Access who) {
        user(who);
        return this;
    }

    @Override
    void checkRequest() {
        if (branch.equals("main")) {
            throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "main cannot be merged into itself");
        }
    }

    @Override
    Attempt<Merged> attempt(ObjectId main) throws IOException {
        String user = userName();
        Repository repo = repository.git();
        ObjectId tip = repository.branch(branch).orElseThrow(() ->
                new OperationRefused(OperationRefused.Reason.NOT_FOUND, "no branch '" + branch + "'"));
        if (expectedHead != null && !expectedHead.equals(tip)) {
            throw new OperationRefused(OperationRefused.Reason.CONFLICT, "branch '" + branch + "' moved since it was "
                    + "confirmed: its head is " + tip.name() + ", not the confirmed " + expectedHead.name()
                    + "; review the proposal again before merging");
        }
        ObjectId result;
        boolean ff;
        try (RevWalk rw = new RevWalk(repo)) {
            RevCommit mainC = rw.parseCommit(main);
            RevCommit tipC = rw.parseCommit(tip);
            if (rw.isMergedInto(tipC, mainC)) {
                throw new OperationRefused(OperationRefused.Reason.CONFLICT,
                        "branch '" + branch + "' is already merged into main");
            }
            // a fast-forward only when main is on the tip's first-parent chain; else a merge keeps main first
            ff = updates.onFirstParentChain(main, tip);
            if (ff) {
                result = tip;
            } else {
                ThreeWayMerger merger = MergeStrategy.RECURSIVE.newMerger(repo, true);
                if (!merger.merge(mainC, tipC)) {
                    String paths = merger instanceof ResolveMerger r ? String.join(", ", r.getUnmergedPaths()) : "";
                    throw new OperationRefused(OperationRefused.Reason.CONFLICT, "branch '" + branch
                            + "' conflicts with main" + (paths.isEmpty() ? "" : ": " + paths) + "; rebase it on main");
                }
                result = MainCommit.write(repo, merger.getResultTreeId(), user,
                        "Merge proposal " + branch + "\n\nMerged by " + user + " through the repo-server API.\n",
                        main, tip);
            }
        }
        return new Attempt<>(result, "merge proposal " + branch, true, "merge " + branch + " by " + user,
                new Merged(result.name(), ff, branch));
    }

    @Override
    void count(boolean done) {
        metrics.merge(done ? "merged" : "refused");
    }
}
