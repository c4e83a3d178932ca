package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.tree.TrustBundle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the plan: the changed files are replaced (the state file with them), the accepted commit is
 * pinned in the clone, health is told, and the --on-change command runs for what it is owed. The cycle's
 * result says whether it synced and what still fails (the command, a certificate renewal).
 */
final class ApplyStep implements CycleStep<PlanStep.Plan, CycleResult> {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    private final GitMirror mirror;
    private final AppliedState state;
    private final OutputWriter writer;
    private final OnChangeRunner hooks;
    private final AgentStatus status;

    ApplyStep(GitMirror mirror, AppliedState state, OutputWriter writer, OnChangeRunner hooks, AgentStatus status) {
        this.mirror = mirror;
        this.state = state;
        this.writer = writer;
        this.hooks = hooks;
        this.status = status;
    }

    @Override
    public CycleResult apply(PlanStep.Plan plan) throws SyncException {
        HistoryStep.Judged judged = plan.judged();
        ZoneStep.Zoned zoned = judged.zoned();
        Instant now = zoned.start().now();
        ObjectId accepted = judged.accepted();
        ObjectId use = judged.use();
        TrustBundle bundle = plan.derived().bundle();
        SyncException syncFailure = judged.failure();

        List<String> changed = new ArrayList<>(writer.write(plan.outputs(), plan.removals()));
        changed.remove(OutputLayout.STATE);
        if (plan.writeState()) {
            state.set(plan.next());
        }
        if (accepted != null) {
            mirror.pin(accepted);
            status.applied(accepted.name());
        }
        if (bundle != null && zoned.zone().leaf() != null) {
            status.ready();
        }
        if (!changed.isEmpty()) {
            status.changed(now, changed.size());
            LOG.info("outputs changed: {} (commit {}, {} peers)", changed, use == null ? "none" : use.name(),
                    bundle == null ? "?" : bundle.peers().size());
        }
        OnChangeRunner.Run hook = zoned.start().hook();
        if (hooks.owed() && !hook.tried()) {
            hook = hooks.run();
        }
        boolean synced = syncFailure == null;
        if (synced) {
            status.synced(now, accepted.name());
        }
        String commit = use == null ? null : use.name();
        if (syncFailure != null) {
            return new CycleResult(false, commit, changed, syncFailure.kind(), syncFailure.getMessage());
        }
        // the outputs are current, but what depends on them is not: the cycle fails, is retried with backoff,
        // and --once exits non-zero
        if (hook.failure() != null) {
            return new CycleResult(true, commit, changed, FailureKind.HOOK, hook.failure()
                    + "; it is run again with backoff until it succeeds");
        }
        if (zoned.renewalFailure() != null) {
            return new CycleResult(true, commit, changed, FailureKind.PKI, "certificate renewal failed: "
                    + zoned.renewalFailure());
        }
        return new CycleResult(true, commit, changed, null, null);
    }
}
