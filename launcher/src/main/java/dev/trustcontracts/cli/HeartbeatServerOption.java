package dev.trustcontracts.cli;

import dev.trustcontracts.reposerver.RepoServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The repo-server's {@code --heartbeat-key}, {@code --heartbeat-cert} and {@code --heartbeat-every}. */
final class HeartbeatServerOption {
    @Option(names = "--heartbeat-key", paramLabel = "FILE",
            description = "publish a signed heartbeat at refs/trust/heartbeat with this key (from 'repo-server "
                    + "heartbeat-key'; mode 0600 required)")
    Path key;

    @Option(names = "--heartbeat-cert", paramLabel = "FILE",
            description = "the certificate of --heartbeat-key (the file agents pin with --heartbeat-cert)")
    Path cert;

    @Option(names = "--heartbeat-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "publish a heartbeat this often when main does not change (default 60s)")
    Duration every;

    /** The options, or null without --heartbeat-key. */
    RepoServerConfig.HeartbeatOptions value() {
        if (key == null && cert == null) {
            if (every != null) {
                throw new UserError("--heartbeat-every needs --heartbeat-key and --heartbeat-cert", ExitCodes.USAGE);
            }
            return null;
        }
        try {
            return new RepoServerConfig.HeartbeatOptions(key, cert,
                    every != null ? every : RepoServerConfig.DEFAULT_HEARTBEAT_EVERY);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
    }
}
