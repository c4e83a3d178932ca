package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.agent.status.RemoteReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the fetched heads by the history of main: a head whose first-parent chain lacks the applied commit is
 * refused (rollback) unless the operator accepted exactly it (--accept-head), and the contract ids removed on
 * the way are collected (replay memory). With several remotes each head is judged on its own and
 * {@link RemoteChoice} picks the one to apply. Decides which commit the outputs are derived from: the accepted
 * head, else the last applied commit while the clone still holds it.
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
    /** What was last logged of each remote (by label) and of a disagreement: logged again only when it changes. */
    private final Map<String, String> logged = new HashMap<>();
    private String loggedDisagreement;

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
        RemoteChoice.Choice choice = null;
        try {
            if (f.failure() != null) {
                throw f.failure();
            }
            Repository repository = mirror.repository();
            choice = new RemoteChoice(new History(repository, rules), new Ancestry(repository, rules.limits()))
                    .choose(applied, acceptHead, f.remotes());
            accepted = choice.accepted();
            if (accepted != null) {
                removed = choice.removed();
            } else if (choice.refusedHead() != null) {
                ObjectId head = choice.refusedHead();
                String what = "remote main " + head.name() + " refused: " + choice.refusal() + "; keeping the last "
                        + "good outputs. If the history was rewritten on purpose, restart the agent with "
                        + "--accept-head " + head.name();
                status.rollbackRefused(what);
                syncFailure = new SyncException(FailureKind.ROLLBACK, what);
                LOG.warn("rollback refused: {}", what);
            } else {
                // candidates that fork and share no commit (a fresh agent only): nothing is trusted
                syncFailure = new SyncException(FailureKind.ROLLBACK, choice.disagreement());
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
        report(f, choice);
        if (syncFailure != null) {
            status.failed(syncFailure.kind());
            if (syncFailure.kind() != FailureKind.ROLLBACK) {
                LOG.warn("sync failed [{}]: {}", syncFailure.kind().label(), syncFailure.getMessage());
            }
        }
        return new Judged(f.zoned(), use, accepted, removed, syncFailure);
    }

    /**
     * Tells health what each remote showed. With several remotes, a remote's verdict and a disagreement are
     * logged when they change (one line each, not every cycle); a single remote logs as it always did.
     */
    private void report(FetchStep.Fetched f, RemoteChoice.Choice choice) {
        List<RemoteReport> reports = new ArrayList<>();
        for (int i = 0; i < f.remotes().size(); i++) {
            GitMirror.RemoteFetch r = f.remotes().get(i);
            RemoteReport seen = choice != null ? choice.reports().get(i)
                    : r.reachable() ? new RemoteReport(r.remote().label(), RemoteReport.State.CURRENT,
                            r.head().name(), null, null)
                    : new RemoteReport(r.remote().label(), RemoteReport.State.UNREACHABLE, null,
                            r.failure().getMessage(), null);
            reports.add(new RemoteReport(seen.remote(), seen.state(), seen.head(), seen.problem(),
                    f.lastFetched().get(r.remote())));
        }
        String disagreement = choice == null ? null : choice.disagreement();
        status.remotes(reports, disagreement);
        if (reports.size() < 2) {
            return;
        }
        for (RemoteReport r : reports) {
            String line = r.state().label() + (r.problem() == null ? "" : ": " + r.problem());
            String before = logged.put(r.remote(), line);
            if (!line.equals(before) && (before != null || r.state() != RemoteReport.State.CURRENT)) {
                if (r.state() == RemoteReport.State.REFUSED || r.state() == RemoteReport.State.UNREACHABLE) {
                    LOG.warn("remote {} {}", r.remote(), line);
                } else {
                    LOG.info("remote {} {}", r.remote(), line);
                }
            }
        }
        if (disagreement != null && !disagreement.equals(loggedDisagreement)) {
            LOG.warn("{}", disagreement);
        }
        loggedDisagreement = disagreement;
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
