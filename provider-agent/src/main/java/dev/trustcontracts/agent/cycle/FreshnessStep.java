package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FreshnessOptions;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.freshness.HeartbeatCandidate;
import dev.trustcontracts.agent.freshness.HeartbeatJudge;
import dev.trustcontracts.agent.freshness.HeartbeatJudgement;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.agent.status.HeartbeatStatus;
import dev.trustcontracts.core.tree.TrustBundle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only with --heartbeat-cert, between {@link DeriveStep} and {@link PlanStep}: judges the fetched heartbeat(s)
 * against the commit the outputs are derived from, reports age and reasons, and with --distrust-peers-when-stale
 * hands on a bundle without peers while no fresh heartbeat counts (the outputs then hold the zone's own roots,
 * written as any other change; the next fresh heartbeat brings the peers back the same way).
 */
final class FreshnessStep implements CycleStep<DeriveStep.Derived, DeriveStep.Derived> {
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    private final GitMirror mirror;
    private final HeartbeatJudge judge;
    private final FreshnessOptions options;
    private final AgentStatus status;
    private boolean withheld;

    FreshnessStep(GitMirror mirror, HeartbeatJudge judge, FreshnessOptions options, AgentStatus status) {
        this.mirror = mirror;
        this.judge = judge;
        this.options = options;
        this.status = status;
    }

    @Override
    public DeriveStep.Derived apply(DeriveStep.Derived derived) throws SyncException {
        HistoryStep.Judged judged = derived.judged();
        Instant now = judged.zoned().start().now();
        HeartbeatJudgement j = judge.judge(mirror.repository(), candidates(), judged.use(), now);
        Map<String, Integer> byReason = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        for (HeartbeatJudgement.NotCounted n : j.notCounted()) {
            byReason.merge(n.reason(), 1, Integer::sum);
            lines.add(n.message());
        }
        HeartbeatStatus judgedNow = new HeartbeatStatus(options.maxStaleness(),
                j.freshest() == null ? null : j.freshest().remote(),
                j.freshest() == null ? null : j.freshest().heartbeat(), lines, byReason, false);
        boolean stale = judgedNow.stale(now);
        boolean withhold = options.distrustPeersWhenStale() && stale && derived.bundle() != null;
        if (withhold && !withheld) {
            LOG.warn("no fresh heartbeat ({}): writing the outputs without peers (--distrust-peers-when-stale)",
                    judgedNow.freshest() == null ? "none counted"
                            : "the freshest was issued at " + judgedNow.freshest().issuedAt());
        } else if (!withhold && withheld && !stale) {
            LOG.info("a fresh heartbeat counts again (issued at {}): the peers return to the outputs",
                    judgedNow.freshest().issuedAt());
        }
        withheld = withhold;
        status.heartbeat(judgedNow.withPeersWithheld(withhold));
        if (!withhold) {
            return derived;
        }
        TrustBundle full = derived.bundle();
        return new DeriveStep.Derived(judged, new TrustBundle(full.ownHash(), List.of(), full.ownRoots()),
                derived.own());
    }

    /** The heartbeats fetched, one per remote that has one; the judge takes the freshest that counts. */
    private List<HeartbeatCandidate> candidates() throws SyncException {
        List<HeartbeatCandidate> out = new ArrayList<>();
        mirror.heartbeats().forEach((remote, id) -> out.add(new HeartbeatCandidate(remote.label(), id)));
        return out;
    }
}
