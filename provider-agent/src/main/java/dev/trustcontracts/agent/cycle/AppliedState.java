package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;

/**
 * The state file as the agent last read or wrote it (applied commit, replay memory, pending --on-change),
 * shared by the steps of the cycle that read and replace it. Null until the first cycle loads it.
 */
final class AppliedState {
    private final AgentStateStore store;
    private AgentState current;

    AppliedState(AgentStateStore store) {
        this.store = store;
    }

    boolean loaded() {
        return current != null;
    }

    AgentState load() throws SyncException {
        current = store.load();
        return current;
    }

    AgentState current() {
        return current;
    }

    void set(AgentState s) {
        current = s;
    }

    /** The commit the outputs reflect, or null when none is known (or the state is not loaded yet). */
    String appliedCommit() {
        return current == null ? null : current.appliedCommit();
    }
}
