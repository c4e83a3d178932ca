package dev.trustcontracts.agent.status;

import java.time.Instant;
import java.util.Locale;

/**
 * One remote as the last cycle saw it, for /healthz and /metrics.
 *
 * @param remote    the URL without user name or password
 * @param state     what its head meant to the agent
 * @param head      its main, or null when it was not reached
 * @param problem   one line: why it was not reached or was refused, or which remotes it disagrees with; else null
 * @param lastFetch when a fetch from it last succeeded (this process), or null
 */
public record RemoteReport(String remote, State state, String head, String problem, Instant lastFetch) {
    /** What a remote's head meant in the last cycle. */
    public enum State {
        /** Its head is the one applied. */
        CURRENT,
        /** Its head is an ancestor of the one applied: behind, holding nothing back. */
        LAGS,
        /** Its head breaks the history rules (first-parent chain without the applied commit): not applied. */
        REFUSED,
        /** Its head passes the rules but forks from another remote's: only the part both agree on is applied. */
        DIVERGED,
        /** It could not be fetched. */
        UNREACHABLE;

        /** As health and the metrics' {@code state} label show it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean reachable() {
        return state != State.UNREACHABLE;
    }
}
