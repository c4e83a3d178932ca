package dev.trustcontracts.cli;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.KubernetesOptions;
import dev.trustcontracts.agent.remote.Remote;
import dev.trustcontracts.core.net.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustctl agent}: keeps a zone's trust files current from the contract repository and the zone PKI. */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pulls the contract repository, verifies every contract locally, derives the zone's trust "
                + "bundle and keeps the output files current: ca.pem, cert.pem, key.pem (0600), chain.pem, "
                + "keystore.p12 (0600), truststore.p12 and agent-state.json. Each file is replaced atomically and only "
                + "when it changes; --on-change runs after every change.",
            "Refuses a head whose first-parent chain lacks the last applied commit (rollback), never trusts a "
                + "removed contract id again (replay), drops expired contracts on its own clock, keeps the last good "
                + "files when the remote or the PKI is down.",
            "Exit codes with --once: 0 synced, 1 failed, 3 rollback refused."})
final class AgentCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --config FILE} and {@code TRUSTCTL_AGENT_*}: every option below may come from them. */
    @CommandLine.Mixin
    dev.trustcontracts.cli.config.ConfigOption config = new dev.trustcontracts.cli.config.ConfigOption();

    // repeatable, so not required=true (a configuration file could not give it: ConfigKeys); call() checks it
    @Option(names = "--remote", paramLabel = "URL",
            description = "the contract repository: https://, http://, git://, ssh://, file:// or a path; give it "
                    + "again for each mirror or other copy: every one is fetched, the furthest head that keeps the "
                    + "history rules is applied, and a revocation any one shows is honoured (the first is the primary)")
    List<String> remotes;

    @Option(names = "--pki", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "the zone's PkiService (trustctl pki serve)")
    HostPort pki;

    @Option(names = "--pki-token-file", paramLabel = "FILE", description = "bearer token for the PKI")
    Path pkiTokenFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "time between fetches, jittered +/-10 %% (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--notify", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "a repo-server's gRPC address: fetch at once when it reports a change (a doorbell only; "
                    + "trust still comes from Git)")
    HostPort notifyTarget;

    @Option(names = "--on-change", paramLabel = "CMD",
            description = "shell command run after output files changed, e.g. 'nginx -s reload'; gets TRUSTCTL_OUT, "
                    + "TRUSTCTL_CHANGED, TRUSTCTL_COMMIT")
    String onChange;

    @Option(names = "--name", paramLabel = "CN",
            description = "the certificate's CN and DNS (or IP) SAN; default: the zone name the PKI reports")
    String name;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "serve /healthz, /readyz and /metrics (Prometheus) here")
    HostPort listen;

    @Option(names = "--once", description = "one sync, then exit; the exit code says whether it succeeded")
    boolean once;

    @Option(names = "--git-credentials-file", paramLabel = "FILE",
            description = "USER:PASSWORD on the first line, for private HTTP(S) remotes")
    Path gitCredentialsFile;

    @Option(names = "--keystore-password-file", paramLabel = "FILE",
            description = "password of keystore.p12 and truststore.p12; default: OUT/keystore.pass, created with a "
                    + "random password")
    Path keystorePasswordFile;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where the local clone lives (default OUT/.trustctl-agent)")
    Path workDir;

    @Option(names = "--stale-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "/healthz reports staleness after this long without a successful sync (default 3 x interval)")
    Duration staleAfter;

    @Option(names = "--expiry-warning", paramLabel = "DURATION", defaultValue = "30d",
            converter = DurationConverter.class,
            description = "/healthz reports degraded when a contract behind chain.pem, a root in it or the root behind "
                    + "cert.pem ends within this long (default ${DEFAULT-VALUE}; 0s: never)")
    Duration expiryWarning;

    @Option(names = "--spiffe-trust-domain-suffix", paramLabel = "SUFFIX",
            description = "also write SPIFFE trust bundles (OUT/spiffe/<trust-domain>.json and OUT/spiffe/bundles.json); "
                    + "a zone whose contracts declare no trust domain answers for <zone>.SUFFIX")
    String spiffeTrustDomainSuffix;

    @Option(names = "--pki-check-every", paramLabel = "DURATION", defaultValue = "10m",
            converter = DurationConverter.class,
            description = "ask the PKI for its roots this often while all is well: how soon a root rotation's start, "
                    + "switch and finish are followed (default ${DEFAULT-VALUE}; at least 1s)")
    Duration pkiCheckEvery;

    @Option(names = "--accept-head", paramLabel = "COMMIT",
            description = "after a refused rollback: accept this exact remote head (40 hex digits) once")
    String acceptHead;

    @Option(names = "--on-change-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class, description = "kill --on-change after this long (default ${DEFAULT-VALUE})")
    Duration hookTimeout;

    @picocli.CommandLine.Mixin
    MaxWindowOption window = new MaxWindowOption();

    /** --heartbeat-cert, --max-staleness, --distrust-peers-when-stale (docs/provider-agent.md §5.6). */
    @picocli.CommandLine.Mixin
    FreshnessOption freshness = new FreshnessOption();

    @Option(names = "--pki-ca", paramLabel = "FILE",
            description = "pin the zone's root: its certificate (the zone's ca.pem); the PKI's TLS certificate and its "
                    + "GetCA answer must match it")
    Path pkiCa;

    @Option(names = "--pki-fingerprint", paramLabel = "SHA256",
            description = "pin the zone's root by its SHA-256 fingerprint (hex, colons allowed), as 'trustctl pki serve' "
                    + "prints it; one of --pki-ca or --pki-fingerprint is required. Give it twice (the current and the "
                    + "next root) to pin both roots of a rotation by hand")
    List<String> pkiFingerprint;

    @Option(names = "--pki-plaintext",
            description = "reach a PKI served with 'pki serve --plaintext' (insecure: the token crosses the network in "
                    + "the clear, and without a pin the first root it answers is trusted)")
    boolean pkiPlaintext;

    @Option(names = "--notify-ca", paramLabel = "FILE",
            description = "CA bundle (PEM) the --notify server's TLS certificate must chain to; default: the JVM's "
                    + "trust store")
    Path notifyCa;

    @Option(names = "--notify-plaintext", description = "--notify without TLS (it is only a doorbell, but say so)")
    boolean notifyPlaintext;

    @Option(names = "--remote-ca", paramLabel = "FILE",
            description = "CA bundle (PEM) an https:// remote's certificate must chain to; default: the JVM's trust store")
    Path remoteCa;

    @Option(names = "--remote-username", paramLabel = "USER",
            description = "user name for a private https:// remote (default with --remote-token-file: x-access-token)")
    String remoteUsername;

    @Option(names = "--remote-password-file", paramLabel = "FILE",
            description = "the password for --remote-username, first line of FILE (keep it 0600)")
    Path remotePasswordFile;

    @Option(names = "--remote-token-file", paramLabel = "FILE",
            description = "an access token for a private https:// remote, first line of FILE (keep it 0600)")
    Path remoteTokenFile;

    @Option(names = "--ssh-key", paramLabel = "FILE",
            description = "private key (deploy key) for an ssh:// remote; nothing is read from ~/.ssh or ssh-agent")
    Path sshKey;

    @Option(names = "--ssh-known-hosts", paramLabel = "FILE",
            description = "known_hosts with the ssh:// server's host key; an unknown or changed host key is refused")
    Path sshKnownHosts;

    @Option(names = "--out-kubernetes-secret", paramLabel = "NAMESPACE/NAME",
            description = "also keep a kubernetes.io/tls Secret current: tls.crt, tls.key, ca.crt (the trust bundle); "
                    + "only one labelled app.kubernetes.io/managed-by=trustctl, or created so")
    String kubernetesSecret;

    @Option(names = "--out-kubernetes-configmap", paramLabel = "NAMESPACE/NAME",
            description = "also keep a ConfigMap current with the trust bundle under trust-bundle.pem")
    String kubernetesConfigMap;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "reach the API server with this kubeconfig (outside a cluster); default: the pod's service "
                    + "account")
    Path kubeconfig;

    /** The Kubernetes outputs, or null when none is asked for. */
    private KubernetesOptions kubernetes() {
        if (kubernetesSecret == null && kubernetesConfigMap == null && kubeconfig == null) {
            return null;
        }
        return new KubernetesOptions(
                kubernetesSecret == null ? null
                        : KubernetesOptions.ObjectName.parse("--out-kubernetes-secret", kubernetesSecret),
                kubernetesConfigMap == null ? null
                        : KubernetesOptions.ObjectName.parse("--out-kubernetes-configmap", kubernetesConfigMap),
                kubeconfig);
    }

    /** How the agent secures its links, from the options above. */
    private ChannelOptions channels() {
        String fingerprints = pkiFingerprint == null ? null : String.join(",", pkiFingerprint);
        ChannelOptions c = ChannelOptions.builder().pkiCa(pkiCa).pkiFingerprint(fingerprints).pkiPlaintext(pkiPlaintext)
                .notifyCa(notifyCa).notifyPlaintext(notifyPlaintext).remoteCa(remoteCa).remoteUsername(remoteUsername)
                .remotePasswordFile(remotePasswordFile).remoteTokenFile(remoteTokenFile).sshKey(sshKey)
                .sshKnownHosts(sshKnownHosts).build();
        c.pkiPin(); // a bad --pki-ca or --pki-fingerprint is a usage error, said now
        return c;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        if (interval.isZero() || interval.isNegative()) {
            throw new UserError("--interval must be positive", ExitCodes.USAGE);
        }
        if (remotes == null || remotes.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--remote=URL'");
        }
        AgentConfig config;
        try {
            AgentConfig.Builder b = AgentConfig.builder(remotes, pki.toString(), out)
                    .pkiTokenFile(pkiTokenFile).interval(interval).onChange(onChange).name(name)
                    .gitCredentialsFile(gitCredentialsFile).keystorePasswordFile(keystorePasswordFile)
                    .workDir(workDir).staleAfter(staleAfter).acceptHead(acceptHead).hookTimeout(hookTimeout)
                    .expiryWarning(expiryWarning).spiffeTrustDomainSuffix(spiffeTrustDomainSuffix)
                    .pkiCheckEvery(pkiCheckEvery)
                    .maxContractWindow(window.value()).channels(channels()).kubernetes(kubernetes())
                    .freshness(freshness.value());
            if (notifyTarget != null) {
                b.notifyTarget(notifyTarget.toString());
            }
            if (listen != null) {
                b.listen(new InetSocketAddress(listen.host(), listen.port()));
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
        if (once) {
            try (Agent agent = new Agent(config)) {
                CycleResult r = agent.runOnce();
                if (r.ok()) {
                    o.println("agent: synced " + r.commit() + ", " + agent.status().peers() + " peer(s), "
                            + (r.changed().isEmpty() ? "no file changed" : "changed " + String.join(" ", r.changed())));
                    o.flush();
                    return ExitCodes.OK;
                }
                throw new UserError("[" + r.failure().label() + "] " + r.message(),
                        r.refused() ? ExitCodes.INVALID : ExitCodes.FAILURE);
            }
        }
        Agent agent = new Agent(config);
        Thread hook = new Thread(agent::close, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.start();
            o.println("agent: writing " + out.toAbsolutePath() + " from " + remotes.stream().map(Remote::label)
                    .collect(java.util.stream.Collectors.joining(", "))
                    + " every "
                    + DurationConverter.format(interval) + (notifyTarget == null ? "" : " and on notice from " + notifyTarget)
                    + (agent.httpAddress() == null ? ""
                            : "; health on http://" + new HostPort(agent.httpAddress().getAddress().getHostAddress(),
                                    agent.httpAddress().getPort()) + "/healthz"));
            o.flush();
            agent.awaitTermination();
        } finally {
            agent.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook closed the agent
            }
        }
        return ExitCodes.OK;
    }
}
