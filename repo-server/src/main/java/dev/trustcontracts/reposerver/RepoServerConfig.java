package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.reposerver.git.GitHttp;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How to run a {@link RepoServer}.
 *
 * @param dataDir     holds the bare repository ({@code contracts.git}) and, by default, the users file
 * @param http        Git smart HTTP, JSON API, health and metrics
 * @param grpc        the gRPC {@code ContractsService}
 * @param usersFile   the users allowed to push ({@code trustctl repo-server user add})
 * @param privateRead whether clone, fetch and the read API need a login too
 * @param tlsCert     PEM certificate chain for both ports, or null for plain text
 * @param tlsKey      PEM private key of {@code tlsCert}
 * @param scanLimits  contract file size and count limits
 * @param gitLimits   object and pack size limits of a push
 * @param recheck     how often the index re-judges main at the latest (it also wakes at the next expiry)
 * @param clock       the server's clock (tests move it)
 * @param limits      threads, timeouts, data rates and concurrent Git requests and password checks
 * @param maxContractWindow the longest contract window ({@code not_after - not_before}) accepted
 * @param historyLimits how many commits the history rules of main (first parent, replays) read at most
 * @param heartbeat   the signed heartbeat to publish at {@code refs/trust/heartbeat}, or null for none
 * @param mirror      the primary this server is a read-only mirror of, or null for a primary
 */
public record RepoServerConfig(Path dataDir, HostPort http, HostPort grpc, Path usersFile, boolean privateRead,
                               Path tlsCert, Path tlsKey, ScanLimits scanLimits, GitHttp.Limits gitLimits,
                               Duration recheck, Clock clock, ServerLimits limits,
                               Duration maxContractWindow, HistoryLimits historyLimits,
                               HeartbeatOptions heartbeat, MirrorOf mirror) {

    public static final String DEFAULT_HTTP = "127.0.0.1:8080";
    public static final String DEFAULT_GRPC = "127.0.0.1:9090";
    public static final Duration DEFAULT_HEARTBEAT_EVERY = Duration.ofSeconds(60);

    /**
     * {@code --heartbeat-key}, {@code --heartbeat-cert}, {@code --heartbeat-every}: the key that signs the heartbeat,
     * its certificate (the one agents pin) and how often a heartbeat is published when main does not change.
     */
    public record HeartbeatOptions(Path key, Path cert, Duration every) {
        public HeartbeatOptions {
            if (key == null || cert == null) {
                throw new IllegalArgumentException("give both --heartbeat-key and --heartbeat-cert");
            }
            if (every == null || every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("--heartbeat-every must be positive");
            }
        }
    }

    public RepoServerConfig {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give both a TLS certificate and its key, or neither");
        }
        if (heartbeat != null && mirror != null) {
            // the mirror serves the primary's heartbeat verbatim; a second signer would overwrite it
            throw new IllegalArgumentException("a mirror serves its primary's heartbeat and signs none: give "
                    + "--heartbeat-key to the primary, not with --mirror-of");
        }
    }

    /** The defaults for a data directory: loopback ports 8080 and 9090, users in {@code DATA/users}. */
    public static RepoServerConfig defaults(Path dataDir) {
        return builder(dataDir).build();
    }

    /** Both ports on 127.0.0.1, chosen by the system: for tests and embedding. */
    public static RepoServerConfig ephemeral(Path dataDir) {
        return builder(dataDir).ephemeralPorts().build();
    }

    /** A builder with the documented defaults of {@link #defaults}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** A builder holding this configuration, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder(dataDir);
        b.http = http;
        b.grpc = grpc;
        b.usersFile = usersFile;
        b.privateRead = privateRead;
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
        b.scanLimits = scanLimits;
        b.gitLimits = gitLimits;
        b.recheck = recheck;
        b.clock = clock;
        b.limits = limits;
        b.maxContractWindow = maxContractWindow;
        b.historyLimits = historyLimits;
        b.heartbeat = heartbeat;
        b.mirror = mirror;
        return b;
    }

    /** Fluent construction with the documented defaults. */
    public static final class Builder {
        private final Path dataDir;
        private HostPort http = HostPort.parse(DEFAULT_HTTP);
        private HostPort grpc = HostPort.parse(DEFAULT_GRPC);
        private Path usersFile;
        private boolean privateRead;
        private Path tlsCert;
        private Path tlsKey;
        private ScanLimits scanLimits = ScanLimits.DEFAULT;
        private GitHttp.Limits gitLimits = GitHttp.Limits.DEFAULT;
        private Duration recheck = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private ServerLimits limits = ServerLimits.DEFAULT;
        private Duration maxContractWindow = ContractVerifier.DEFAULT_MAX_WINDOW;
        private HistoryLimits historyLimits = HistoryLimits.DEFAULT;
        private HeartbeatOptions heartbeat;
        private MirrorOf mirror;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder http(HostPort v) {
            http = v;
            return this;
        }

        public Builder grpc(HostPort v) {
            grpc = v;
            return this;
        }

        /** Both ports on 127.0.0.1, chosen by the system. */
        public Builder ephemeralPorts() {
            http = new HostPort("127.0.0.1", 0);
            grpc = new HostPort("127.0.0.1", 0);
            return this;
        }

        /** The users file; by default {@code DATA/users}. */
        public Builder usersFile(Path v) {
            usersFile = v;
            return this;
        }

        public Builder privateRead(boolean v) {
            privateRead = v;
            return this;
        }

        /** TLS on both ports: the PEM chain and its key, both or neither (null, null: plain text). */
        public Builder tls(Path cert, Path key) {
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        public Builder scanLimits(ScanLimits v) {
            scanLimits = v;
            return this;
        }

        public Builder gitLimits(GitHttp.Limits v) {
            gitLimits = v;
            return this;
        }

        public Builder recheck(Duration v) {
            recheck = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        public Builder limits(ServerLimits v) {
            limits = v;
            return this;
        }

        public Builder maxContractWindow(Duration v) {
            maxContractWindow = v;
            return this;
        }

        public Builder historyLimits(HistoryLimits v) {
            historyLimits = v;
            return this;
        }

        /** Publish a signed heartbeat (null: none, the default). */
        public Builder heartbeat(HeartbeatOptions v) {
            heartbeat = v;
            return this;
        }

        /** A read-only mirror of this primary (null: a primary). */
        public Builder mirrorOf(MirrorOf v) {
            mirror = v;
            return this;
        }

        public RepoServerConfig build() {
            return new RepoServerConfig(dataDir, http, grpc, usersFile != null ? usersFile : dataDir.resolve("users"),
                    privateRead, tlsCert, tlsKey, scanLimits, gitLimits, recheck, clock, limits, maxContractWindow,
                    historyLimits, heartbeat, mirror);
        }
    }
}
