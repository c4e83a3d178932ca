package dev.trustcontracts.agent;

import dev.trustcontracts.agent.output.SpiffeTrustDomains;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.tree.ScanLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything the agent is told on its command line, with the defaults the operator guide documents.
 *
 * @param remotes              the contract repositories (--remote, at least one; the first is the primary, whose
 *                             head is applied when remotes disagree): file://, git://, http(s)://, ssh:// or a path
 * @param pki                  HOST:PORT of the zone's PkiService
 * @param pkiTokenFile         the bearer token for the PKI, or null
 * @param out                  the output directory
 * @param interval             time between polls (jittered +/-10 %)
 * @param notifyTarget         HOST:PORT of a repo-server's ContractsService to watch, or null
 * @param onChange             shell command run after outputs changed, or null
 * @param name                 CN and SAN of the agent's certificate; null for the zone name
 * @param listen               address for /healthz, /readyz, /metrics, or null
 * @param gitCredentialsFile   USER:PASSWORD for HTTP remotes, or null
 * @param keystorePasswordFile password of the PKCS#12 files, or null to use (and create) OUT/keystore.pass
 * @param workDir              where the local clone lives
 * @param staleAfter           health reports staleness after this long without a successful sync
 * @param acceptHead           a commit the operator accepts even though its first-parent chain lacks
 *                             the applied one (after a rollback refusal), or null
 * @param certLifetime         lifetime to ask the PKI for; zero for the PKI's default
 * @param hookTimeout          the --on-change command is killed after this long
 * @param networkTimeout       timeout of a fetch and of a PKI call
 * @param clock                the agent's clock: contract expiry and certificate renewal are judged on it
 * @param maxContractWindow    the longest contract window ({@code not_after - not_before}) trusted
 * @param channels             how the links are secured: the PKI pin, TLS for --notify and remotes, remote
 *                             credentials
 * @param scanLimits           bounds on what a scan of main reads (the repo-server takes the same from its config)
 * @param historyLimits        bounds on the history read for rollback and replay checks
 * @param expiryWarning        /healthz turns degraded when a contract behind chain.pem, a root in it or the root
 *                             behind cert.pem ends within this long; zero turns the warning off
 * @param spiffeTrustDomainSuffix with it, SPIFFE bundles are written (OUT/spiffe/): a zone whose contracts declare
 *                             no trust domain answers for {@code <zone>.<suffix>}; null writes none
 * @param kubernetes           the Kubernetes Secret and ConfigMap also written, and the kubeconfig; null for none
 * @param freshness            the signed heartbeat judged (--heartbeat-cert, --max-staleness); null for none
 */
public record AgentConfig(List<String> remotes, String pki, Path pkiTokenFile, Path out, Duration interval, String notifyTarget,
        String onChange, String name, InetSocketAddress listen, Path gitCredentialsFile, Path keystorePasswordFile,
        Path workDir, Duration staleAfter, String acceptHead, Duration certLifetime, Duration hookTimeout,
        Duration networkTimeout, Clock clock, Duration maxContractWindow, ChannelOptions channels,
        ScanLimits scanLimits, HistoryLimits historyLimits, Duration expiryWarning, String spiffeTrustDomainSuffix,
        KubernetesOptions kubernetes, Duration pkiCheckEvery, FreshnessOptions freshness) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Time enough to propose, co-sign and merge a successor contract, or to rotate a root. */
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(30);
    /** Often enough to follow a root rotation within minutes, rarely enough to cost the PKI nothing. */
    public static final Duration DEFAULT_PKI_CHECK_EVERY = Duration.ofMinutes(10);
    /** The least --pki-check-every: the PKI is asked at most once a second by one agent. */
    public static final Duration MIN_PKI_CHECK_EVERY = Duration.ofSeconds(1);

    public AgentConfig {
        Objects.requireNonNull(remotes, "remotes");
        if (remotes.isEmpty()) {
            throw new IllegalArgumentException("give --remote at least once");
        }
        remotes = List.copyOf(remotes);
        if (new HashSet<>(remotes).size() != remotes.size()) {
            throw new IllegalArgumentException("--remote: each remote may be given once");
        }
        Objects.requireNonNull(pki, "pki");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(maxContractWindow, "maxContractWindow");
        if (maxContractWindow.isNegative() || maxContractWindow.isZero()) {
            throw new IllegalArgumentException("--max-contract-window must be positive");
        }
        Objects.requireNonNull(scanLimits, "scanLimits");
        Objects.requireNonNull(historyLimits, "historyLimits");
        Objects.requireNonNull(channels, "channels: how the agent pins its PKI (--pki-ca or --pki-fingerprint)");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--interval must be positive");
        }
        Objects.requireNonNull(expiryWarning, "expiryWarning");
        if (expiryWarning.isNegative()) {
            throw new IllegalArgumentException("--expiry-warning must not be negative");
        }
        if (spiffeTrustDomainSuffix != null) {
            SpiffeTrustDomains.checkSuffix(spiffeTrustDomainSuffix);
        }
        Objects.requireNonNull(pkiCheckEvery, "pkiCheckEvery");
        if (pkiCheckEvery.compareTo(MIN_PKI_CHECK_EVERY) < 0) {
            throw new IllegalArgumentException("--pki-check-every must be at least 1s");
        }
        if (acceptHead != null && !acceptHead.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("--accept-head takes a full 40-digit commit id");
        }
    }

    public static Builder builder(String remote, String pki, Path out) {
        return new Builder(List.of(remote), pki, out);
    }

    /** @param remotes the --remote URLs in the order given (the first is the primary) */
    public static Builder builder(List<String> remotes, String pki, Path out) {
        return new Builder(remotes, pki, out);
    }

    /** The first --remote: the only one of a single-remote agent. */
    public String remote() {
        return remotes.get(0);
    }

    public Path mirrorDir() {
        return workDir.resolve(OutputLayout.MIRROR);
    }

    /** Fluent construction with the documented defaults. */
    public static final class Builder {
        private final List<String> remotes;
        private final String pki;
        private final Path out;
        private Path pkiTokenFile;
        private Duration interval = DEFAULT_INTERVAL;
        private String notifyTarget;
        private String onChange;
        private String name;
        private InetSocketAddress listen;
        private Path gitCredentialsFile;
        private Path keystorePasswordFile;
        private Path workDir;
        private Duration staleAfter;
        private String acceptHead;
        private Duration certLifetime = Duration.ZERO;
        private Duration hookTimeout = Duration.ofSeconds(60);
        private Duration networkTimeout = Duration.ofSeconds(20);
        private Clock clock = Clock.systemUTC();
        private Duration maxContractWindow = ContractVerifier.DEFAULT_MAX_WINDOW;
        private ChannelOptions channels;
        private ScanLimits scanLimits = ScanLimits.DEFAULT;
        private HistoryLimits historyLimits = HistoryLimits.DEFAULT;
        private Duration expiryWarning = DEFAULT_EXPIRY_WARNING;
        private String spiffeTrustDomainSuffix;
        private KubernetesOptions kubernetes;
        private Duration pkiCheckEvery = DEFAULT_PKI_CHECK_EVERY;
        private FreshnessOptions freshness;

        private Builder(List<String> remotes, String pki, Path out) {
            this.remotes = remotes;
            this.pki = pki;
            this.out = out;
        }

        public Builder pkiTokenFile(Path v) {
            pkiTokenFile = v;
            return this;
        }

        public Builder interval(Duration v) {
            interval = v;
            return this;
        }

        public Builder notifyTarget(String v) {
            notifyTarget = v;
            return this;
        }

        public Builder onChange(String v) {
            onChange = v;
            return this;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder listen(InetSocketAddress v) {
            listen = v;
            return this;
        }

        public Builder gitCredentialsFile(Path v) {
            gitCredentialsFile = v;
            return this;
        }

        public Builder keystorePasswordFile(Path v) {
            keystorePasswordFile = v;
            return this;
        }

        public Builder workDir(Path v) {
            workDir = v;
            return this;
        }

        public Builder staleAfter(Duration v) {
            staleAfter = v;
            return this;
        }

        public Builder acceptHead(String v) {
            acceptHead = v;
            return this;
        }

        public Builder certLifetime(Duration v) {
            certLifetime = v;
            return this;
        }

        public Builder hookTimeout(Duration v) {
            hookTimeout = v;
            return this;
        }

        public Builder networkTimeout(Duration v) {
            networkTimeout = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        public Builder maxContractWindow(Duration v) {
            maxContractWindow = v;
            return this;
        }

        public Builder channels(ChannelOptions v) {
            channels = v;
            return this;
        }

        public Builder scanLimits(ScanLimits v) {
            scanLimits = v;
            return this;
        }

        public Builder historyLimits(HistoryLimits v) {
            historyLimits = v;
            return this;
        }

        public Builder expiryWarning(Duration v) {
            expiryWarning = v;
            return this;
        }

        /** Turns on the SPIFFE bundles (OUT/spiffe/); null (the default) leaves them off. */
        public Builder spiffeTrustDomainSuffix(String v) {
            spiffeTrustDomainSuffix = v;
            return this;
        }

        public Builder kubernetes(KubernetesOptions v) {
            kubernetes = v;
            return this;
        }

        public Builder pkiCheckEvery(Duration v) {
            pkiCheckEvery = v;
            return this;
        }

        /** Judge the signed heartbeat (null, the default: none). */
        public Builder freshness(FreshnessOptions v) {
            freshness = v;
            return this;
        }

        public AgentConfig build() {
            Path wd = workDir != null ? workDir : new OutputLayout(out).workDir();
            Duration stale = staleAfter != null ? staleAfter : interval.multipliedBy(3);
            return new AgentConfig(remotes, pki, pkiTokenFile, out, interval, notifyTarget, onChange, name, listen,
                    gitCredentialsFile, keystorePasswordFile, wd, stale, acceptHead, certLifetime, hookTimeout,
                    networkTimeout, clock, maxContractWindow, channels != null ? channels
                            : ChannelOptions.builder().build(), // refuses, naming the pin options
                    scanLimits, historyLimits, expiryWarning, spiffeTrustDomainSuffix, kubernetes, pkiCheckEvery,
                    freshness);
        }
    }
}
