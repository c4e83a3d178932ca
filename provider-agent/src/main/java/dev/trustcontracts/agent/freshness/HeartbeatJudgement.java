package dev.trustcontracts.agent.freshness;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import java.util.List;

/**
 * What one cycle made of the candidate heartbeats: the freshest that counted (or none) and why each other did not.
 *
 * @param freshest   the counted heartbeat with the latest issued-at, or null when none counted
 * @param notCounted the candidates that did not count, each with its reason
 */
public record HeartbeatJudgement(Counted freshest, List<NotCounted> notCounted) {
    public HeartbeatJudgement {
        notCounted = List.copyOf(notCounted);
    }

    /** A heartbeat that counts: signed by the pinned key, not from the future, its main applied here. */
    public record Counted(String remote, Heartbeat heartbeat) {
    }

    /**
     * A candidate that does not count.
     *
     * @param reason  a metric label, one of {@code agent.status.HeartbeatStatus.REASONS}
     * @param message one line naming the remote, the object and the problem
     */
    public record NotCounted(String remote, String object, String reason, String message) {
    }
}
