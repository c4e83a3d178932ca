package dev.trustcontracts.agent.status;

import dev.trustcontracts.agent.freshness.HeartbeatJudge;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The heartbeat as the last cycle judged it (only with --heartbeat-cert), for /healthz and /metrics.
 *
 * @param maxStaleness  --max-staleness
 * @param remote        the remote the freshest counted heartbeat came from, or null
 * @param freshest      the freshest counted heartbeat, or null when none counted
 * @param notCounted    one line per candidate that did not count
 * @param notCountedBy  how many candidates did not count, by reason label
 * @param peersWithheld whether the outputs hold the own roots only (--distrust-peers-when-stale, stale)
 */
public record HeartbeatStatus(Duration maxStaleness, String remote, Heartbeat freshest, List<String> notCounted,
        Map<String, Integer> notCountedBy, boolean peersWithheld) {
    /**
     * Why a fetched heartbeat does not count: the verifier's reasons (core.heartbeat.HeartbeatException.Reason) and
     * the agent's own ({@code future}, {@code not_applied}); the {@code reason} label of the metrics.
     */
    public static final List<String> REASONS = Stream.concat(
            Arrays.stream(HeartbeatException.Reason.values()).map(HeartbeatException.Reason::label),
            Stream.of(HeartbeatJudge.FUTURE, HeartbeatJudge.NOT_APPLIED)).toList();

    public HeartbeatStatus {
        notCounted = List.copyOf(notCounted);
        notCountedBy = Map.copyOf(notCountedBy);
    }

    /** The same judgement, with the peers withheld from the outputs or not. */
    public HeartbeatStatus withPeersWithheld(boolean withheld) {
        return new HeartbeatStatus(maxStaleness, remote, freshest, notCounted, notCountedBy, withheld);
    }

    /** Seconds since the freshest counted heartbeat was issued, or -1 when none counted. */
    public double ageSeconds(Instant now) {
        return freshest == null ? -1 : Duration.between(freshest.issuedAt(), now).toMillis() / 1000.0;
    }

    /** Whether no heartbeat counts or the freshest is older than --max-staleness. */
    public boolean stale(Instant now) {
        return freshest == null || Duration.between(freshest.issuedAt(), now).compareTo(maxStaleness) > 0;
    }

    /** The /healthz problem line, or null when fresh. */
    String problem(Instant now) {
        if (!stale(now)) {
            return null;
        }
        String withheld = peersWithheld ? "; peers are withheld from the outputs until a fresh heartbeat counts" : "";
        if (freshest == null) {
            return "heartbeat: none counted" + (notCounted.isEmpty() ? " (no heartbeat fetched)"
                    : " (" + String.join("; ", notCounted) + ")") + withheld;
        }
        return String.format("heartbeat: the freshest counted heartbeat (main %s at %s, from %s) is %.0f s old, "
                + "more than --max-staleness %d s%s", freshest.mainCommit(), freshest.issuedAt(), remote,
                ageSeconds(now), maxStaleness.toSeconds(), withheld);
    }
}
