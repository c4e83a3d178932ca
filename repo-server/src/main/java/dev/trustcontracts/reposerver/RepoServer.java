package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.TreeScanner;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The repo-server, embeddable: {@link #start} opens (or creates) the repository, loads the index and binds
 * both ports; {@link #close} stops everything. Tests and the demo run it in-process on port 0.
 */
public final class RepoServer implements AutoCloseable {
    private final RepoServerConfig config;
    private final ContractRepository repository;
    private final ContractIndex index;
    private final WatchHub watchers;
    private final ServerMetrics metrics;
    private final HttpEndpoint http;
    private final GrpcEndpoint grpc;
    private volatile boolean ready;

    private RepoServer(RepoServerConfig config, ContractRepository repository, ContractIndex index,
                       WatchHub watchers, ServerMetrics metrics, HttpEndpoint http, GrpcEndpoint grpc) {
        this.config = config;
        this.repository = repository;
        this.index = index;
        this.watchers = watchers;
        this.metrics = metrics;
        this.http = http;
        this.grpc = grpc;
    }

    public static RepoServer start(RepoServerConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        TlsMaterial tls = config.tlsCert() == null ? null : TlsMaterial.load(config.tlsCert(), config.tlsKey());
        ContractRepository repository = ContractRepository.openOrCreate(config.dataDir());
        ContractIndex index = null;
        HttpEndpoint http = null;
        try {
            Quarantine.clearStale(repository.git()); // objects of pushes a crash interrupted: never accepted
            ServerMetrics metrics = new ServerMetrics();
            TreeValidator validator = new TreeValidator(repository.git(),
                    new TreeScanner(new ContractVerifier(config.maxContractWindow()), config.scanLimits()), config.scanLimits());
            MainHistory history = new MainHistory(repository.git(), new HistoryRules(
                    new ContractVerifier(config.maxContractWindow()), config.scanLimits().maxFileBytes(),
                    HistoryLimits.DEFAULT));
            index = new ContractIndex(repository, validator, config.clock(), config.recheck(), history);
            WatchHub watchers = new WatchHub();
            index.addListener(watchers::publish);
            index.load();
            ContractIndex idx = index;
            metrics.gauge("trustctl.server.contracts", "Valid contracts on main", () -> idx.current().contracts().size());
            metrics.gauge("trustctl.server.watch.subscribers", "Open WatchCertificates streams", watchers::size);
            RefUpdates updates = new RefUpdates(repository, validator, index, metrics, config.clock(), history);
            UserStore users = new UserStore(config.usersFile());
            LoginThrottle throttle = LoginThrottle.standard(config.clock());
            metrics.gauge("trustctl.server.logins.throttle.entries", "Users and addresses the login throttle tracks",
                    throttle::size);
            Authenticator auth = new Authenticator(users, throttle, config.limits().passwordChecks());
            PushAuthorizer authorizer = new PushAuthorizer(users, new BranchOwners(config.dataDir()),
                    config.clock());
            RepoServer[] self = new RepoServer[1];
            http = HttpEndpoint.start(config.http(), tls, config.limits(), new HttpEndpoint.Parts(repository, index,
                    validator,
                    new ProposalMerger(repository, updates, metrics), new ContractRevoker(repository, updates, metrics),
                    auth, metrics, GitHttp.servlet(repository, updates, authorizer, config.gitLimits()),
                    config.privateRead(), () -> self[0] != null && self[0].ready, users));
            GrpcEndpoint grpc = GrpcEndpoint.start(config.grpc(), tls, new ContractsGrpcService(index, watchers),
                    config.privateRead() ? new GrpcAuthInterceptor(auth, metrics) : null);
            RepoServer server = new RepoServer(config, repository, index, watchers, metrics, http, grpc);
            self[0] = server;
            server.ready = true;
            return server;
        } catch (IOException | RuntimeException e) {
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

    public RepoServerConfig config() {
        return config;
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
        ready = false;
        watchers.closeAll();
        grpc.close();
        http.close();
        index.close();
        repository.close();
    }
}
