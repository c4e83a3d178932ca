package dev.trustcontracts.cli;

import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.ServerLimits;
import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustctl repo-server}: hosts the contract repository, validates every push, mirrors it over gRPC. */
@Command(name = "repo-server", mixinStandardHelpOptions = true,
        description = {"Serve the contract repository over Git smart HTTP, validating every push;",
            "mirror the valid contracts of main over gRPC (ContractsService) and JSON;",
            "/healthz, /readyz and Prometheus /metrics.",
            "The first start creates DATA/contracts.git with an initial commit on main;",
            "with --mirror-of, a read-only mirror fetches it from the primary instead."},
        subcommands = {UserCommand.class, HeartbeatKeyCommand.class})
public final class RepoServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Trustctl root;

    /** {@code --config FILE} and {@code TRUSTCTL_REPO_SERVER_*}: every option below may come from them. */
    @CommandLine.Mixin
    dev.trustcontracts.cli.config.ConfigOption config = new dev.trustcontracts.cli.config.ConfigOption();

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (repository, default users file).")
    Path data;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = RepoServerConfig.DEFAULT_HTTP,
            converter = HostPortConverter.class,
            description = "HTTP address: Git, JSON API, health, metrics (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(names = "--grpc-listen", paramLabel = "HOST:PORT", defaultValue = RepoServerConfig.DEFAULT_GRPC,
            converter = HostPortConverter.class,
            description = "gRPC address of ContractsService (default: ${DEFAULT-VALUE}).")
    HostPort grpcListen;

    @Option(names = "--users", paramLabel = "FILE", description = "Users allowed to push (default: DATA/users).")
    Path users;

    @Option(names = "--private", description = "Require a login for clone, fetch and the read API too.")
    boolean privateRead;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS and gRPC over TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--max-threads", paramLabel = "N", defaultValue = "200",
            description = "HTTP request threads (default: ${DEFAULT-VALUE}); Git may use at most half.")
    int maxThreads;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Close an HTTP connection that moves nothing for this long (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--git-max-requests", paramLabel = "N", defaultValue = "32",
            description = "Git requests served at once; more get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int gitMaxRequests;

    @Option(names = "--git-max-per-client", paramLabel = "N", defaultValue = "4",
            description = "Git requests one client address may have at once (default: ${DEFAULT-VALUE}).")
    int gitMaxPerClient;

    @Option(names = "--min-data-rate", paramLabel = "BYTES", defaultValue = "1024",
            description = "Bytes per second a Git request must move while it waits on its client; slower ones are "
                    + "cut off after 5 s of waiting; 0 turns it off (default: ${DEFAULT-VALUE}).")
    long minDataRate;

    @Option(names = "--password-checks", paramLabel = "N",
            description = "Slow password hashes computed at once; more logins get 429 (default: the CPU count).")
    Integer passwordChecks;

    @picocli.CommandLine.Mixin
    MaxWindowOption window = new MaxWindowOption();

    @Option(names = "--plaintext",
            description = {"Serve HTTP and gRPC without TLS on an address other than loopback (behind a proxy that",
                "terminates TLS, say). Without TLS the server listens on loopback only unless this is given."})
    boolean plaintext;

    /** The signed freshness heartbeat (docs/repo-server.md, "The signed heartbeat"). */
    @picocli.CommandLine.Mixin
    HeartbeatServerOption heartbeat = new HeartbeatServerOption();

    @Option(names = "--mirror-of", paramLabel = "URL",
            description = {"Run as a read-only mirror of this primary (its Git URL, http(s)://HOST:PORT/git/contracts.git):",
                "serve fetches, gRPC, JSON and the UI from a verified copy; refuse pushes and writes."})
    String mirrorOf;

    @Option(names = "--mirror-watch", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "The primary's gRPC address: its watch stream makes the mirror fetch at once (default: poll only).")
    HostPort mirrorWatch;

    @Option(names = "--mirror-poll-every", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Fetch from the primary this often, rung or not (default: ${DEFAULT-VALUE}).")
    Duration mirrorPollEvery;

    @Option(names = "--mirror-credentials", paramLabel = "FILE",
            description = "USER:PASSWORD on the first line, for a primary that runs with --private (keep it 0600).")
    Path mirrorCredentials;

    @Option(names = "--mirror-ca", paramLabel = "FILE",
            description = "PEM roots an https primary's certificate must chain to (default: the JVM's trust store).")
    Path mirrorCa;

    /** The audit trail: pushes, merges, revocations, failed logins. */
    @picocli.CommandLine.Mixin
    AuditLogOption audit = new AuditLogOption();

    /** The root command's clock (the heartbeat key's certificate is dated with it). */
    java.time.Clock clock() {
        return Trustctl.clockOf(root);
    }

    @Override
    public Integer call() throws Exception {
        if (data == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--data=DIR'");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        boolean loopbackOnly = listen.isLoopback() && grpcListen.isLoopback();
        if (tlsCert == null && !loopbackOnly && !plaintext) {
            throw new UserError("without --tls-cert/--tls-key the server listens on loopback only: passwords and "
                    + "pushes would cross the network in the clear; give --tls-cert and --tls-key, or --plaintext "
                    + "behind a proxy that terminates TLS", ExitCodes.USAGE);
        }
        if (tlsCert == null && !loopbackOnly) {
            spec.commandLine().getErr().println("trustctl repo-server: warning: --plaintext: HTTP and gRPC on "
                    + listen.host() + " / " + grpcListen.host() + " without TLS; only behind a proxy that terminates TLS");
        }
        if (mirrorOf == null && (mirrorWatch != null || mirrorCredentials != null || mirrorCa != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mirror-watch, --mirror-credentials and --mirror-ca go with --mirror-of");
        }
        RepoServerConfig cfg;
        try {
            MirrorOf mirror = mirrorOf == null ? null : new MirrorOf(mirrorOf, mirrorCredentials, mirrorCa, mirrorWatch,
                    mirrorPollEvery, MirrorOf.DEFAULT_TIMEOUT);
            cfg = RepoServerConfig.builder(data).mirrorOf(mirror).http(listen)
                    .grpc(grpcListen)
                    .usersFile(users != null ? users : data.resolve("users")).privateRead(privateRead)
                    .tls(tlsCert, tlsKey)
                    .limits(ServerLimits.builder().threads(maxThreads).idleTimeout(idleTimeout)
                            .git(gitMaxRequests, gitMaxPerClient)
                            .dataRate(minDataRate, ServerLimits.DEFAULT.dataRateGrace())
                            .passwordChecks(passwordChecks != null ? passwordChecks
                                    : ServerLimits.DEFAULT.passwordChecks()).build())
                    .maxContractWindow(window.value()).heartbeat(heartbeat.value()).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        audit.apply();
        RepoServer server;
        try {
            server = RepoServer.start(cfg);
        } catch (IOException e) {
            throw new UserError("cannot start: " + UserErrors.describe(e));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "repo-server-shutdown"));
        var out = spec.commandLine().getOut();
        out.printf("repo-server: serving %s%n", data.resolve("contracts.git").toAbsolutePath());
        if (cfg.mirror() != null) {
            out.printf("  read-only mirror of %s (%s, fetch every %s)%n", cfg.mirror().primary(),
                    cfg.mirror().watch() == null ? "no watch stream" : "watching " + cfg.mirror().watch(),
                    DurationConverter.format(cfg.mirror().pollEvery()));
        }
        out.printf("  git clone %s%n", server.gitUrl());
        out.printf("  JSON API  %s/api/contracts   health %s/healthz   metrics %s/metrics%n",
                server.httpUrl(), server.httpUrl(), server.httpUrl());
        out.printf("  gRPC      %s:%d (ContractsService, health, reflection)%s%n", cfg.grpc().host(), server.grpcPort(),
                cfg.tlsCert() == null ? "" : ", TLS");
        out.printf("  main at   %s, %d valid contracts%n", server.index().current().commit(),
                server.index().current().contracts().size());
        if (server.heartbeat() != null) {
            out.printf("  heartbeat %s, signed, every %s and after each change of main%n",
                    dev.trustcontracts.core.heartbeat.Heartbeat.REF, DurationConverter.format(cfg.heartbeat().every()));
        }
        if (cfg.mirror() == null && new UserStore(cfg.usersFile()).isEmpty()) {
            out.printf("  no users in %s: pushes are refused until 'trustctl repo-server user add NAME --admin --users %s'%n",
                    cfg.usersFile(), cfg.usersFile());
        }
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
