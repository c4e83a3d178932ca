package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.output.OutputWriter.Output;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.OnChangeHook;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.files.AtomicFiles;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the --on-change command for the files the state file says it still owes, at most once per cycle, and
 * records in the state file when it succeeded. After a failure the files stay owed, so that the next cycle
 * runs it again.
 */
final class OnChangeRunner {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /** Whether a cycle ran the command, and why it failed (null when it did not fail). */
    record Run(boolean tried, String failure) {
        static final Run NONE = new Run(false, null);
    }

    private final OnChangeHook hook;
    private final AppliedState state;
    private final OutputWriter writer;
    private final AgentStatus status;
    private final Clock clock;

    /** @param hook the --on-change command, or null */
    OnChangeRunner(OnChangeHook hook, AppliedState state, OutputWriter writer, AgentStatus status, Clock clock) {
        this.hook = hook;
        this.state = state;
        this.writer = writer;
        this.status = status;
        this.clock = clock;
    }

    /** Whether there is a command at all. */
    boolean configured() {
        return hook != null;
    }

    /** Whether there is a command and the state file says it is owed a run. */
    boolean owed() {
        return hook != null && !state.current().pendingHook().isEmpty();
    }

    /** At start: the run an earlier process did not finish (it crashed, or the command failed). */
    Run runPending() {
        if (!owed()) {
            return Run.NONE;
        }
        LOG.info("on-change: running the command an earlier run did not finish, for {}", state.current().pendingHook());
        return run();
    }

    /** Runs the command once for the files owed. */
    Run run() {
        AgentState s = state.current();
        try {
            hook.run(s.pendingHook(), s.appliedCommit());
        } catch (SyncException e) {
            status.failed(FailureKind.HOOK);
            status.hookRan();
            status.hookFailed(e.getMessage(), clock.instant());
            LOG.warn("on-change: {}; it is run again with backoff until it succeeds", e.getMessage());
            return new Run(true, e.getMessage());
        }
        status.hookRan();
        status.hookSucceeded();
        AgentState done = s.withPendingHook(List.of());
        try {
            writer.write(List.of(new Output(OutputLayout.STATE, AgentStateStore.serialize(done), AtomicFiles.PUBLIC)));
            state.set(done);
        } catch (SyncException e) {
            status.failed(FailureKind.STATE);
            LOG.warn("cannot record that the on-change command ran: {}", e.getMessage());
        }
        return new Run(true, null);
    }
}
