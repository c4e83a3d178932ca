package dev.trustcontracts.agent;

import java.util.List;

/**
 * What one cycle did.
 *
 * @param synced   the remote was fetched, its head accepted and the outputs are current with it
 * @param commit   the commit the outputs reflect, or null when none is known
 * @param changed  output files replaced in this cycle (the state file not included)
 * @param failure  the kind of the failure that made the cycle unsuccessful, or null
 * @param message  what went wrong, or null
 */
public record CycleResult(boolean synced, String commit, List<String> changed, FailureKind failure, String message) {
    public CycleResult {
        changed = List.copyOf(changed);
    }

    public boolean ok() {
        return synced && failure == null;
    }

    public boolean refused() {
        return failure == FailureKind.ROLLBACK;
    }
}
