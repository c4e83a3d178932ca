package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import org.eclipse.jgit.lib.ObjectId;

/** Fetches the remote's main into the local clone. A failed fetch does not end the cycle: it is handed on. */
final class FetchStep implements CycleStep<ZoneStep.Zoned, FetchStep.Fetched> {
    /**
     * @param applied the commit the outputs reflect (from the state file), or null
     * @param head    the remote's main, or null when the fetch failed
     * @param failure why the fetch failed, or null
     */
    record Fetched(ZoneStep.Zoned zoned, ObjectId applied, ObjectId head, SyncException failure) {
    }

    private final GitMirror mirror;
    private final AppliedState state;
    private final AgentStatus status;

    FetchStep(GitMirror mirror, AppliedState state, AgentStatus status) {
        this.mirror = mirror;
        this.state = state;
        this.status = status;
    }

    @Override
    public Fetched apply(ZoneStep.Zoned zoned) {
        String a = state.appliedCommit();
        ObjectId applied = a == null ? null : ObjectId.fromString(a);
        try {
            GitMirror.Fetched f = mirror.fetch();
            if (f.recloned()) {
                status.failed(FailureKind.LOCAL_CLONE);
            }
            return new Fetched(zoned, applied, f.head(), null);
        } catch (SyncException e) {
            return new Fetched(zoned, applied, null, e);
        }
    }
}
