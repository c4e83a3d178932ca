package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.status.AgentStatus;
import java.time.Clock;
import java.time.Instant;

/**
 * The start of a cycle: at the first one, the state file is loaded, health is told what it recorded, stale temp
 * files are removed and an --on-change run an earlier process owed is made; then the cycle's instant is read.
 */
final class StartStep implements CycleStep<Clock, StartStep.Started> {
    /**
     * @param now   the instant the whole cycle judges by
     * @param hook  the --on-change run already made in this cycle (at start), or {@link OnChangeRunner.Run#NONE}
     */
    record Started(Instant now, OnChangeRunner.Run hook) {
    }

    private final AppliedState state;
    private final AgentStatus status;
    private final OutputWriter writer;
    private final OnChangeRunner hooks;

    StartStep(AppliedState state, AgentStatus status, OutputWriter writer, OnChangeRunner hooks) {
        this.state = state;
        this.status = status;
        this.writer = writer;
        this.hooks = hooks;
    }

    @Override
    public Started apply(Clock clock) throws SyncException {
        OnChangeRunner.Run hook = OnChangeRunner.Run.NONE;
        if (!state.loaded()) {
            AgentState s = state.load();
            status.restoreLastSuccess(s.lastSuccess());
            if (s.appliedCommit() != null) {
                status.applied(s.appliedCommit());
            }
            writer.removeStaleTemps();
            hook = hooks.runPending();
        }
        return new Started(clock.instant(), hook);
    }
}
