package dev.trustcontracts.cli;

import dev.trustcontracts.agent.FreshnessOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The agent's {@code --heartbeat-cert}, {@code --max-staleness} and {@code --distrust-peers-when-stale}. */
final class FreshnessOption {
    @Option(names = "--heartbeat-cert", paramLabel = "FILE",
            description = "pin the repo-server's heartbeat certificate: also fetch refs/trust/heartbeat and report how "
                    + "fresh the applied state is (off by default)")
    Path heartbeatCert;

    @Option(names = "--max-staleness", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --heartbeat-cert: health is degraded when the freshest counted heartbeat is older "
                    + "(default 10m)")
    Duration maxStaleness;

    @Option(names = "--distrust-peers-when-stale",
            description = "with --heartbeat-cert: past --max-staleness write the outputs with the zone's own roots only "
                    + "until a fresh heartbeat counts (availability traded for integrity; docs/SECURITY.md)")
    boolean distrustPeersWhenStale;

    /** The options, or null without --heartbeat-cert; the others without it are a usage error. */
    FreshnessOptions value() {
        if (heartbeatCert == null) {
            if (maxStaleness != null || distrustPeersWhenStale) {
                throw new UserError("--max-staleness and --distrust-peers-when-stale need --heartbeat-cert",
                        ExitCodes.USAGE);
            }
            return null;
        }
        try {
            return new FreshnessOptions(heartbeatCert,
                    maxStaleness != null ? maxStaleness : FreshnessOptions.DEFAULT_MAX_STALENESS, distrustPeersWhenStale);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
    }
}
