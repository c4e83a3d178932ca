package dev.trustcontracts.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code --heartbeat-cert}, {@code --max-staleness}, {@code --distrust-peers-when-stale}: the repo-server's
 * signed heartbeat the agent judges its freshness by (docs/provider-agent.md, "Freshness").
 *
 * @param heartbeatCert          the heartbeat certificate, pinned: only heartbeats its key signed count
 * @param maxStaleness           past this age of the freshest counted heartbeat, health is degraded
 * @param distrustPeersWhenStale past it, the outputs hold the zone's own roots only until a fresh heartbeat counts
 */
public record FreshnessOptions(Path heartbeatCert, Duration maxStaleness, boolean distrustPeersWhenStale) {
    /** A few heartbeats may be missed (the server's default is one a minute) before an agent calls itself stale. */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(10);

    public FreshnessOptions {
        Objects.requireNonNull(heartbeatCert, "heartbeatCert");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        if (maxStaleness.isNegative() || maxStaleness.isZero()) {
            throw new IllegalArgumentException("--max-staleness must be positive");
        }
    }
}
