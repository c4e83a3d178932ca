package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.remote.GitMirror.RemoteFetch;
import dev.trustcontracts.agent.remote.Remote;
import dev.trustcontracts.agent.status.AgentStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Fetches every remote's main into the local clone. A failed fetch does not end the cycle: it is handed on, and
 * the cycle fails for the remote only when no remote was reached.
 */
final class FetchStep implements CycleStep<ZoneStep.Zoned, FetchStep.Fetched> {
    /**
     * @param applied     the commit the outputs reflect (from the state file), or null
     * @param remotes     each remote's fetch, in the order of the --remote flags
     * @param lastFetched when each remote was last fetched successfully (this process)
     * @param failure     why no remote could be fetched, or null when one was
     */
    record Fetched(ZoneStep.Zoned zoned, ObjectId applied, List<RemoteFetch> remotes, Map<Remote, Instant> lastFetched,
            SyncException failure) {

        /** The first reachable remote's main (a single-remote agent's only one), or null. */
        ObjectId head() {
            return remotes.stream().filter(RemoteFetch::reachable).map(RemoteFetch::head).findFirst().orElse(null);
        }
    }

    private final GitMirror mirror;
    private final AppliedState state;
    private final AgentStatus status;
    private final Map<Remote, Instant> lastFetched = new HashMap<>();

    FetchStep(GitMirror mirror, AppliedState state, AgentStatus status) {
        this.mirror = mirror;
        this.state = state;
        this.status = status;
    }

    @Override
    public Fetched apply(ZoneStep.Zoned zoned) {
        String a = state.appliedCommit();
        ObjectId applied = a == null ? null : ObjectId.fromString(a);
        Instant now = zoned.start().now();
        try {
            GitMirror.Fetches f = mirror.fetchAll();
            if (f.recloned()) {
                status.failed(FailureKind.LOCAL_CLONE);
            }
            for (RemoteFetch r : f.remotes()) {
                if (r.reachable()) {
                    lastFetched.put(r.remote(), now);
                }
            }
            return new Fetched(zoned, applied, f.remotes(), Map.copyOf(lastFetched), noneReached(f.remotes()));
        } catch (SyncException e) {
            List<RemoteFetch> failed = mirror.remotes().stream()
                    .map(r -> new RemoteFetch(r, null, e)).toList();
            return new Fetched(zoned, applied, failed, Map.copyOf(lastFetched), e);
        }
    }

    /** The cycle's failure when no remote was reached: the one remote's own, or each one's on one line. */
    private static SyncException noneReached(List<RemoteFetch> remotes) {
        if (remotes.stream().anyMatch(RemoteFetch::reachable)) {
            return null;
        }
        if (remotes.size() == 1) {
            return remotes.get(0).failure();
        }
        return new SyncException(FailureKind.REMOTE, "no remote could be fetched: " + remotes.stream()
                .map(r -> r.failure().getMessage()).collect(Collectors.joining("; ")));
    }
}
