package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.ClusterOutput;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.tree.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the plan: the changed files are replaced (the state file with them), the accepted commit is
 * pinned in the clone, health is told, the Kubernetes objects (when configured) are made to hold the same content as
 * the files, and the --on-change command runs for what it is owed. The cycle's
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
    /** The Kubernetes outputs, or null when none is configured. */
    private final ClusterOutput cluster;

    ApplyStep(GitMirror mirror, AppliedState state, OutputWriter writer, OnChangeRunner hooks, AgentStatus status,
            ClusterOutput cluster) {
        this.cluster = cluster;
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
        String clusterFailure = publish(plan);
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
        if (clusterFailure != null) {
            return new CycleResult(true, commit, changed, FailureKind.KUBERNETES, clusterFailure);
        }
        if (zoned.renewalFailure() != null) {
            return new CycleResult(true, commit, changed, FailureKind.PKI, "certificate renewal failed: "
                    + zoned.renewalFailure());
        }
        return new CycleResult(true, commit, changed, null, null);
    }

    /**
     * Writes the Kubernetes outputs from the same content as the files, once there are a certificate, a key and a
     * bundle; every cycle compares (so a failed or overwritten object is put right by the next one).
     *
     * @return why it failed, or null
     */
    private String publish(PlanStep.Plan plan) {
        if (cluster == null) {
            return null;
        }
        String cert = content(plan, OutputLayout.CERT);
        String key = content(plan, OutputLayout.KEY);
        String bundle = content(plan, OutputLayout.CHAIN);
        if (cert == null || key == null || bundle == null) {
            return null;
        }
        try {
            List<String> written = cluster.publish(new ClusterOutput.Material(cert, key, bundle));
            status.kubernetesWritten(written.size());
            if (!written.isEmpty()) {
                LOG.info("kubernetes: wrote {}", written);
            }
            return null;
        } catch (SyncException e) {
            status.failed(FailureKind.KUBERNETES);
            status.kubernetesFailed(e.getMessage());
            LOG.warn("kubernetes: {}", e.getMessage());
            return e.getMessage();
        }
    }

    private static String content(PlanStep.Plan plan, String file) {
        return plan.outputs().stream().filter(o -> o.name().equals(file)).findFirst()
                .map(o -> new String(o.content(), StandardCharsets.US_ASCII)).orElse(null);
    }
}
