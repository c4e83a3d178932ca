package dev.trustcontracts.agent;

import dev.trustcontracts.agent.cycle.SyncCycle;
import dev.trustcontracts.agent.kubernetes.KubernetesOutput;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.ClusterOutput;
import dev.trustcontracts.agent.output.OnChangeHook;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.output.Secrets;
import dev.trustcontracts.agent.pki.CertificateKeeper;
import dev.trustcontracts.agent.pki.PinSet;
import dev.trustcontracts.agent.pki.PkiClient;
import dev.trustcontracts.agent.pki.PkiPin;
import dev.trustcontracts.agent.remote.Backoff;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.agent.remote.RemoteAccess;
import dev.trustcontracts.agent.remote.Wakeup;
import dev.trustcontracts.agent.remote.WatchDoorbell;
import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zone agent: runs {@link SyncCycle}s every interval (with jitter; with backoff after failures, cut
 * short by the --notify doorbell), and serves health and metrics. {@link #runOnce()} is --once.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration NOTIFY_RETRY = Duration.ofSeconds(5);

    private final AgentConfig config;
    private final AgentStatus status;
    private final PkiClient pki;
    private final GitMirror mirror;
    private final RemoteAccess remoteAccess;
    /** Trust for the --notify TLS stream; null for the JVM default or when plaintext. */
    private final TrustManager notifyTrust;
    private final SyncCycle cycle;
    /** The Kubernetes outputs, or null: without the flags the agent never loads the Kubernetes client. */
    private final ClusterOutput cluster;
    private final Backoff backoff;
    private final Wakeup wakeup = new Wakeup();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private AgentHttp http;
    private WatchDoorbell doorbell;
    private Thread loop;
    private volatile boolean closed;
    private volatile String ownHash;

    public Agent(AgentConfig config) throws IOException {
        this.config = config;
        this.status = new AgentStatus(config.clock().instant());
        Files.createDirectories(config.out());
        String token = config.pkiTokenFile() == null ? null : Secrets.firstLine(config.pkiTokenFile(), "PKI token");
        ChannelOptions channels = config.channels();
        PkiPin pin = channels.pkiPin();
        // shared by the PKI channel's TLS trust and the keeper, which adds the next root of a rotation as it learns it
        PinSet pins = new PinSet(channels.pkiPins());
        if (channels.pkiPlaintext()) {
            LOG.warn("--pki-plaintext: the PKI {} is reached without TLS: its bearer token and answers cross the "
                    + "network in the clear{}", config.pki(), pin == null
                    ? ", and with no pin the first root it answers is trusted" : "; its root must still match the pin");
        }
        this.remoteAccess = RemoteAccess.open(config);
        this.notifyTrust = notifyTrust(config);
        char[] password = Secrets.keystorePassword(config.keystorePasswordFile(), config.out());
        this.backoff = new Backoff(config.interval());
        this.pki = new PkiClient(config.pki(), token, config.networkTimeout(), pins, channels.pkiPlaintext());
        this.mirror = new GitMirror(config.mirrorDir(), config.remotes(), remoteAccess.credentials(),
                config.networkTimeout(), remoteAccess);
        if (config.freshness() != null) {
            // read now, so that a bad --heartbeat-cert stops the start with one line naming the file
            HeartbeatKey.certificate(config.freshness().heartbeatCert());
            mirror.fetchTrustRefs();
        }
        CertificateKeeper keeper = new CertificateKeeper(pki, pins, config.name(), config.certLifetime(),
                config.clock(), config.out(), config.pkiCheckEvery());
        OnChangeHook hook = config.onChange() == null ? null
                : new OnChangeHook(config.onChange(), config.out(), config.hookTimeout());
        this.cluster = config.kubernetes() == null ? null
                : KubernetesOutput.open(config.kubernetes(), config.networkTimeout());
        this.cycle = new SyncCycle(config, mirror, keeper, new AgentStateStore(config.out()),
                new OutputWriter(config.out()), hook, status, password, cluster);
        java.util.Arrays.fill(password, '\0');
    }

    private static TrustManager notifyTrust(AgentConfig config) throws IOException {
        ChannelOptions ch = config.channels();
        if (config.notifyTarget() == null) {
            return null;
        }
        if (ch.notifyPlaintext()) {
            LOG.warn("--notify-plaintext: the watch stream from {} is not protected by TLS (it is only a doorbell: "
                    + "contracts still come from Git and are verified)", config.notifyTarget());
            return null;
        }
        if (ch.notifyCaFile() == null) {
            return null;
        }
        try {
            return PemTls.trustManager(ch.notifyCaFile());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("--notify-ca " + ch.notifyCaFile() + ": " + e.getMessage(), e);
        }
    }

    public AgentStatus status() {
        return status;
    }

    public AgentConfig config() {
        return config;
    }

    /** One cycle, on the caller's thread. Not to be mixed with {@link #start()}. */
    public synchronized CycleResult runOnce() {
        CycleResult r = cycle.run();
        if (cycle.ownHash() != null) {
            ownHash = cycle.ownHash();
        }
        return r;
    }

    /** Starts health/metrics (when --listen is set) and the cycle loop in the background. */
    public synchronized void start() throws IOException {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        if (config.listen() != null) {
            http = new AgentHttp(config.listen(), status, config.staleAfter(), config.expiryWarning(), config.clock());
            LOG.info("health and metrics on http://{}:{}/ (healthz, readyz, metrics)",
                    http.address().getHostString(), http.address().getPort());
        }
        loop = new Thread(this::loop, "agent-cycle");
        loop.start();
    }

    /** The address /healthz, /readyz and /metrics are served on, once started with --listen. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    /** Makes the loop run a cycle now, as the doorbell does. */
    public void wake() {
        wakeup.ring();
    }

    private void loop() {
        try {
            while (!closed) {
                CycleResult r = runOnce();
                startDoorbellOnce();
                Duration wait;
                if (r.ok() || r.refused()) {
                    backoff.reset();
                    wait = backoff.nextRegular();
                } else {
                    wait = backoff.nextAfterFailure();
                    LOG.info("next attempt in {} ms", wait.toMillis());
                }
                if (closed) {
                    break;
                }
                wakeup.await(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void startDoorbellOnce() {
        if (config.notifyTarget() == null || doorbell != null || ownHash == null || closed) {
            return;
        }
        String authorization = null;
        if (config.gitCredentialsFile() != null) {
            try {
                // a --private repo-server asks the same users on gRPC as on Git
                authorization = Secrets.basicAuthorization(config.gitCredentialsFile());
            } catch (IOException e) {
                LOG.warn("notify: without credentials: {}", e.getMessage());
            }
            if (authorization != null && config.channels().notifyPlaintext()) {
                // as for an http:// remote: the operator asked for plaintext, so say what crosses in the clear
                LOG.warn("notify: the --git-credentials-file login is sent to {} without TLS (--notify-plaintext)",
                        config.notifyTarget());
            }
        }
        doorbell = config.channels().notifyPlaintext()
                ? new WatchDoorbell(config.notifyTarget(), ownHash, wakeup::ring, status::appliedCommit, status,
                        NOTIFY_RETRY, authorization)
                : new WatchDoorbell(config.notifyTarget(), notifyTrust, ownHash, wakeup::ring, status::appliedCommit,
                        status, NOTIFY_RETRY, authorization);
        doorbell.start();
    }

    /** Blocks until {@link #close()}. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        closed = true;
        wakeup.ring();
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (doorbell != null) {
            doorbell.close();
        }
        if (http != null) {
            http.close();
        }
        pki.close();
        synchronized (this) {
            mirror.close();
        }
        remoteAccess.close();
        if (cluster != null) {
            cluster.close();
        }
        stopped.countDown();
    }
}
