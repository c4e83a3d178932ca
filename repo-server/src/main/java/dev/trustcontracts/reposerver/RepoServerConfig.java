package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.tree.ScanLimits;
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
 */
public record RepoServerConfig(Path dataDir, HostPort http, HostPort grpc, Path usersFile, boolean privateRead,
                               Path tlsCert, Path tlsKey, ScanLimits scanLimits, GitHttp.Limits gitLimits,
                               Duration recheck, Clock clock, ServerLimits limits,
                               Duration maxContractWindow) {

    public static final String DEFAULT_HTTP = "127.0.0.1:8080";
    public static final String DEFAULT_GRPC = "127.0.0.1:9090";

    public RepoServerConfig {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give both a TLS certificate and its key, or neither");
        }
    }

    /** The defaults for a data directory: loopback ports 8080 and 9090, users in {@code DATA/users}. */
    public static RepoServerConfig defaults(Path dataDir) {
        return new RepoServerConfig(dataDir, HostPort.parse(DEFAULT_HTTP), HostPort.parse(DEFAULT_GRPC),
                dataDir.resolve("users"), false, null, null, ScanLimits.DEFAULT, GitHttp.Limits.DEFAULT,
                Duration.ofMinutes(1), Clock.systemUTC(), ServerLimits.DEFAULT,
                ContractVerifier.DEFAULT_MAX_WINDOW);
    }

    /** Both ports on 127.0.0.1, chosen by the system: for tests and embedding. */
    public static RepoServerConfig ephemeral(Path dataDir) {
        return defaults(dataDir).withHttp(new HostPort("127.0.0.1", 0)).withGrpc(new HostPort("127.0.0.1", 0));
    }

    public RepoServerConfig withHttp(HostPort v) {
        return new RepoServerConfig(dataDir, v, grpc, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withGrpc(HostPort v) {
        return new RepoServerConfig(dataDir, http, v, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withUsersFile(Path v) {
        return new RepoServerConfig(dataDir, http, grpc, v, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withPrivateRead(boolean v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, v, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withTls(Path cert, Path key) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, cert, key, scanLimits, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withScanLimits(ScanLimits v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, tlsCert, tlsKey, v, gitLimits,
                recheck, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withClock(Clock v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, v, limits, maxContractWindow);
    }

    public RepoServerConfig withRecheck(Duration v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                v, clock, limits, maxContractWindow);
    }

    public RepoServerConfig withLimits(ServerLimits v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, v, maxContractWindow);
    }

    public RepoServerConfig withMaxContractWindow(Duration v) {
        return new RepoServerConfig(dataDir, http, grpc, usersFile, privateRead, tlsCert, tlsKey, scanLimits, gitLimits,
                recheck, clock, limits, v);
    }
}
