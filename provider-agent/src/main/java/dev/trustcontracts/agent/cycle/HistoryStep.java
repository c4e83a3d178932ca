package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.history.HistoryException;
import dev.trustcontracts.core.history.HistoryRules;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the fetched head by the history of main: a head whose first-parent chain lacks the applied commit is
 * refused (rollback) unless the operator accepted exactly it (--accept-head), and the contract ids removed on
 * the way are collected (replay memory). Decides which commit the outputs are derived from: the accepted head,
 * else the last applied commit while the clone still holds it.
 */
final class HistoryStep implements CycleStep<FetchStep.Fetched, HistoryStep.Judged> {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /**
     * @param use      the commit to derive the outputs from, or null when there is none
     * @param accepted the new head taken in this cycle, or null when none was
     * @param removed  the contract ids removed by the commits up to the accepted head
     * @param failure  why the cycle is not synced (fetch failed, rollback refused, clone unreadable), or null
     */
    record Judged(ZoneStep.Zoned zoned, ObjectId use, ObjectId accepted, Map<String, AgentState.Revoked> removed,
            SyncException failure) {
    }

    private final GitMirror mirror;
    /** The history rules, kept across cycles for their cache of file facts by blob id. */
    private final HistoryRules rules;
    private final String acceptHead;
    private final AgentStatus status;
    private final CloneRepair repair;

    /** @param acceptHead the one head accepted despite a refused history (--accept-head), or null */
    HistoryStep(GitMirror mirror, HistoryRules rules, String acceptHead, AgentStatus status, CloneRepair repair) {
        this.mirror = mirror;
        this.rules = rules;
        this.acceptHead = acceptHead;
        this.status = status;
        this.repair = repair;
    }

    @Override
    public Judged apply(FetchStep.Fetched f) {
        ObjectId applied = f.applied();
        ObjectId use = null;
        ObjectId accepted = null;
        Map<String, AgentState.Revoked> removed = Map.of();
        SyncException syncFailure = null;
        try {
            if (f.failure() != null) {
                throw f.failure();
            }
            History history = new History(mirror.repository(), rules);
            ObjectId head = f.head();
            Optional<String> refused = applied == null ? Optional.empty()
                    : history.firstParentProblem(applied, head);
            try {
                if (applied == null) {
                    // a fresh agent reads the whole history (bounded), so that it knows every removal
                    removed = history.removedIds(null, head);
                    accepted = head;
                } else if (refused.isEmpty()) {
                    removed = head.equals(applied) ? Map.of() : history.removedIds(applied, head);
                    accepted = head;
                } else if (head.name().equals(acceptHead)) {
                    LOG.warn("accepting {} although its first-parent chain lacks the applied {} (--accept-head)",
                            head.name(), applied.name());
                    removed = history.removedIds(null, head);
                    accepted = head;
                }
            } catch (HistoryException e) {
                refused = Optional.of(e.getMessage());
            }
            if (accepted == null && refused.isPresent()) {
                String what = "remote main " + head.name() + " refused: " + refused.get() + "; keeping the last "
                        + "good outputs. If the history was rewritten on purpose, restart the agent with "
                        + "--accept-head " + head.name();
                status.rollbackRefused(what);
                syncFailure = new SyncException(FailureKind.ROLLBACK, what);
                LOG.warn("rollback refused: {}", what);
            }
            // a fresh agent whose first read was refused (a history over the limit) has no applied commit to keep
            use = accepted != null ? accepted : (applied != null && mirror.has(applied) ? applied : null);
            if (accepted != null) {
                status.rollbackRefused(null);
            }
        } catch (IOException e) {
            syncFailure = repair.repair(e);
        } catch (SyncException e) {
            syncFailure = e;
            use = lastApplied(applied);
        }
        if (syncFailure != null) {
            status.failed(syncFailure.kind());
            if (syncFailure.kind() != FailureKind.ROLLBACK) {
                LOG.warn("sync failed [{}]: {}", syncFailure.kind().label(), syncFailure.getMessage());
            }
        }
        return new Judged(f.zoned(), use, accepted, removed, syncFailure);
    }

    /** The applied commit while the clone still holds it, else null: the outputs stay derived from it. */
    private ObjectId lastApplied(ObjectId applied) {
        if (applied == null) {
            return null;
        }
        try {
            return mirror.has(applied) ? applied : null;
        } catch (SyncException e) {
            return null;
        }
    }
}
