package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.remote.GitMirror;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cycle does when the local clone cannot be read: it forgets what it derived from the clone and
 * replaces the clone with a fresh one for the next cycle; this cycle fails with {@link FailureKind#LOCAL_CLONE}.
 */
final class CloneRepair {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    private final GitMirror mirror;
    private final Runnable forget;

    /** @param forget drops what was read from the clone (the scan cache) */
    CloneRepair(GitMirror mirror, Runnable forget) {
        this.mirror = mirror;
        this.forget = forget;
    }

    /** The failure to report for this cycle, after the clone was replaced (or could not be). */
    SyncException repair(IOException e) {
        LOG.warn("the local clone is unreadable ({}); it is replaced by a fresh clone in the next cycle", e.toString());
        forget.run();
        try {
            mirror.replaceWithFreshClone();
        } catch (SyncException e2) {
            return e2;
        }
        return new SyncException(FailureKind.LOCAL_CLONE, "the local clone was unreadable (" + e.getMessage()
                + "); replaced by a fresh clone", e);
    }
}
