package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.reposerver.auth.Login;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.reposerver.git.ContractGit;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.GitHttp;
import dev.trustcontracts.reposerver.git.MainHistory;
import dev.trustcontracts.reposerver.grpc.GrpcEndpoint;
import dev.trustcontracts.reposerver.http.HttpEndpoint;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import dev.trustcontracts.reposerver.mirror.MirrorFollower;
import dev.trustcontracts.reposerver.mirror.MirrorStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repo-server, embeddable: {@link #start} opens (or creates) the repository, loads the index and binds
 * both ports; {@link #close} stops everything. Tests and the demo run it in-process on port 0.
 */
public final class RepoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepoServer.class);

    private final RepoServerConfig config;
    private final ContractRepository repository;
    private final ContractIndex index;
    private final ServerMetrics metrics;
    private final HttpEndpoint http;
    private final GrpcEndpoint grpc;
    /** Set once both ports are up; /readyz reads it. */
    private final AtomicBoolean ready;
    /** The signed heartbeat, or null without --heartbeat-key. */
    private final HeartbeatService heartbeat;
    /** A read-only mirror's follower of its primary; null on a primary. */
    private final MirrorFollower follower;

    private RepoServer(RepoServerConfig config, ContractRepository repository, ContractIndex index,
                       ServerMetrics metrics, HttpEndpoint http, GrpcEndpoint grpc,
                       AtomicBoolean ready, HeartbeatService heartbeat, MirrorFollower follower) {
        this.heartbeat = heartbeat;
        this.follower = follower;
        this.config = config;
        this.repository = repository;
        this.index = index;
        this.metrics = metrics;
        this.http = http;
        this.grpc = grpc;
        this.ready = ready;
    }

    /**
     * The verifications persisted in the data directory, so that a restart does not verify every contract
     * again (docs/repo-server.md); none (everything verified, one log line) when its key cannot be made.
     */
    private static VerificationStore verifications(RepoServerConfig config, ContractVerifier verifier) {
        try {
            return VerificationStore.open(config.dataDir(), verifier);
        } catch (IOException e) {
            LOG.warn("not using the verification cache in {}: {}", config.dataDir(), e.getMessage());
            return null;
        }
    }

    public static RepoServer start(RepoServerConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        TlsMaterial tls = config.tlsCert() == null ? null : TlsMaterial.load(config.tlsCert(), config.tlsKey());
        // a mirror's repository starts empty: its main only ever comes from the primary
        ContractRepository repository = config.mirror() == null ? ContractRepository.openOrCreate(config.dataDir())
                : ContractRepository.openMirror(config.dataDir());
        ContractIndex index = null;
        HttpEndpoint http = null;
        HeartbeatService heartbeat = null;
        MirrorFollower follower = null;
        try {
            ServerMetrics metrics = new ServerMetrics();
            ContractVerifier verifier = new ContractVerifier(config.maxContractWindow());
            TreeValidator validator = new TreeValidator(repository.git(),
                    new TreeScanner(verifier, config.scanLimits(), verifications(config, verifier)), config.scanLimits());
            MainHistory history = new MainHistory(repository.git(), new HistoryRules(
                    new ContractVerifier(config.maxContractWindow()), config.scanLimits().maxFileBytes(),
                    config.historyLimits()));
            index = new ContractIndex(repository, validator, config.clock(), config.recheck(), history);
            UserStore users = new UserStore(config.usersFile());
            ContractGit git = ContractGit.open(repository, config.dataDir(), validator, index, history, users, metrics,
                    config.clock(), config.gitLimits());
            if (config.mirror() != null) {
                follower = MirrorFollower.open(config, repository, index, history, metrics);
                follower.initial();
            }
            index.load();
            if (config.heartbeat() != null) {
                heartbeat = HeartbeatService.start(config.heartbeat(), repository, config.clock());
                index.addListener(heartbeat::mainChanged);
            }
            HeartbeatService hb = heartbeat;
            // 0 without --heartbeat-key, so that the scrape has the same series either way
            metrics.gauge("trustctl.server.heartbeat.sequence", "Sequence of the last heartbeat published (0: none)",
                    () -> hb == null || hb.last() == null ? 0 : hb.last().sequence());
            metrics.gauge("trustctl.server.heartbeat.timestamp.seconds",
                    "When the last heartbeat published was issued, Unix seconds (0: none)",
                    () -> hb == null || hb.last() == null ? 0 : hb.last().issuedAt().getEpochSecond());
            ContractIndex idx = index;
            metrics.gauge("trustctl.server.contracts", "Valid contracts on main", () -> idx.current().contracts().size());
            metrics.endings(() -> idx.current().endings());
            Login login = Login.of(users, config.clock(), config.limits().passwordChecks(), metrics);
            metrics.gauge("trustctl.server.logins.throttle.entries", "Users and addresses the login throttle tracks",
                    login::throttleEntries);
            AtomicBoolean ready = new AtomicBoolean();
            http = HttpEndpoint.start(new HttpEndpoint.Port(config.http(), tls, config.limits()), git, index,
                    new HttpEndpoint.Users(login, users, config.privateRead()), metrics, config.clock(), ready::get,
                    follower == null ? null : new HttpEndpoint.Mirror(config.mirror(), follower.status()));
            GrpcEndpoint grpc = GrpcEndpoint.start(config.grpc(), tls, index, config.privateRead() ? login : null);
            metrics.gauge("trustctl.server.watch.subscribers", "Open WatchCertificates streams", grpc::watchSubscribers);
            RepoServer server = new RepoServer(config, repository, index, metrics, http, grpc, ready, heartbeat,
                    follower);
            ready.set(true);
            if (follower != null) {
                follower.start();
            }
            return server;
        } catch (IOException | RuntimeException e) {
            if (heartbeat != null) {
                heartbeat.close();
            }
            if (follower != null) {
                follower.close();
            }
            if (http != null) {
                http.close();
            }
            if (index != null) {
                index.close();
            }
            repository.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    public int grpcPort() {
        return grpc.port();
    }

    /** The clone URL, for example {@code http://127.0.0.1:8080/git/contracts.git}. */
    public String gitUrl() {
        return (config.tlsCert() == null ? "http" : "https") + "://" + hostForUrl() + ":" + httpPort() + GitHttp.PATH;
    }

    public String httpUrl() {
        return (config.tlsCert() == null ? "http" : "https") + "://" + hostForUrl() + ":" + httpPort();
    }

    public ContractRepository repository() {
        return repository;
    }

    public ContractIndex index() {
        return index;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The signed heartbeat, or null when the server publishes none. */
    public HeartbeatService heartbeat() {
        return heartbeat;
    }

    public RepoServerConfig config() {
        return config;
    }

    /** A read-only mirror's view of its primary; empty on a primary. */
    public java.util.Optional<MirrorStatus> mirror() {
        return java.util.Optional.ofNullable(follower).map(MirrorFollower::status);
    }

    private String hostForUrl() {
        String h = config.http().host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            return "127.0.0.1";
        }
        return h.contains(":") ? "[" + h + "]" : h;
    }

    @Override
    public void close() {
        ready.set(false);
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (follower != null) {
            follower.close();
        }
        grpc.close();
        http.close();
        index.close();
        repository.close();
    }
}
