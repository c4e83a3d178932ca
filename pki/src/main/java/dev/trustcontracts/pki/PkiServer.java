package dev.trustcontracts.pki;

import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zone's PKI on a real TCP port: {@code PkiService} (behind the bearer token when one is given) and
 * the standard gRPC health service (always open, it reveals nothing). Served over TLS by default, with a
 * short-lived server certificate the zone CA issues to itself at start (see {@link PkiServerIdentity});
 * plaintext only when constructed with {@link Transport#plaintext()}. Used by {@code trustctl pki serve},
 * and by tests and the demo to run a PKI in-process.
 */
public final class PkiServer implements AutoCloseable {
    /** CSRs are a few hundred bytes; nothing larger is read. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(PkiServer.class);

    /**
     * How the PKI is reached: TLS (the default) with extra names for its server certificate, or
     * plaintext (tokens and certificates cross the network in the clear).
     */
    public record Transport(boolean tls, List<String> serverNames) {
        public Transport {
            serverNames = List.copyOf(serverNames);
        }

        public static Transport tls(List<String> serverNames) {
            return new Transport(true, serverNames);
        }

        public static Transport plaintext() {
            return new Transport(false, List.of());
        }
    }

    /** How often a PKI serving a directory looks at rotation.state between calls (calls look too). */
    static final Duration ROTATION_POLL = Duration.ofSeconds(2);

    private final ZoneRootsWatch roots;
    private final IssuancePolicy policy;
    private final IssuedLog log;
    private final Clock clock;
    private final Transport transport;
    private final PkiAudit audit;
    private final ServerServiceDefinition service;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;
    private volatile SwappableKeyManager keys;
    private volatile X509Certificate serverCertificate;
    private ScheduledExecutorService renewer;
    private volatile List<String> names = List.of();
    private final Object identityLock = new Object();

    /** Over TLS, the certificate named after the listen address. @param token null serves without one */
    public PkiServer(ZoneCa ca, IssuancePolicy policy, IssuedLog log, BearerToken token, Clock clock) {
        this(ca, policy, log, token, clock, Transport.tls(List.of()));
    }

    /** @param token the bearer token every PkiService call must carry; null serves without one */
    public PkiServer(ZoneCa ca, IssuancePolicy policy, IssuedLog log, BearerToken token, Clock clock,
            Transport transport) {
        this(ZoneRootsWatch.fixed(ca), policy, log, token, clock, transport);
    }

    /**
     * Serves the CA directory {@code layout} and follows its root rotation ({@code pki rotate}) while
     * running: which roots GetCA publishes, which root SignCSR issues from and, once a rotation finishes,
     * the root of the PKI's own TLS certificate.
     */
    public PkiServer(CaLayout layout, IssuancePolicy policy, IssuedLog log, BearerToken token, Clock clock,
            Transport transport) {
        this(ZoneRootsWatch.of(layout), policy, log, token, clock, transport);
    }

    private PkiServer(ZoneRootsWatch roots, IssuancePolicy policy, IssuedLog log, BearerToken token, Clock clock,
            Transport transport) {
        this.roots = roots;
        this.policy = policy;
        this.log = log;
        this.clock = clock;
        this.transport = transport;
        this.audit = new PkiAudit(roots.get().zone());
        CsrSigner signer = new CsrSigner(() -> roots.get().issuing(), policy, log, clock);
        ServerServiceDefinition pki = new PkiGrpcService(roots, signer, audit).bindService();
        this.service = ServerInterceptors.intercept(pki, new CallerInterceptor(token, audit));
        roots.onChange(this::rootsChanged);
    }

    /** Loads the CA in {@code caDir} and opens its serial record; {@code policy} null means the zone's default. */
    public static PkiServer forDirectory(Path caDir, IssuancePolicy policy, BearerToken token) throws IOException {
        return forDirectory(caDir, policy, token, Transport.tls(List.of()));
    }

    public static PkiServer forDirectory(Path caDir, IssuancePolicy policy, BearerToken token, Transport transport)
            throws IOException {
        CaLayout layout = new CaLayout(caDir);
        String zone = CaLoader.loadRoots(layout).zone();
        IssuedLog log = IssuedLog.open(layout.issuedLog());
        return new PkiServer(layout, policy == null ? IssuancePolicy.forZone(zone) : policy, log, token,
                Clock.systemUTC(), transport);
    }

    /** Binds and starts; port 0 picks a free port. Returns the bound port. */
    public synchronized int start(String host, int port) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve the listen host '" + host + "'");
        }
        ServerCredentials credentials = InsecureServerCredentials.create();
        List<String> names = List.of();
        if (transport.tls()) {
            names = PkiServerIdentity.names(host, transport.serverNames());
            ZoneCa ca = roots.get().current();
            Credential identity = PkiServerIdentity.issue(ca, log, names, clock);
            keys = new SwappableKeyManager(identity, ca.certificate());
            if (roots.watching()) {
                keys.beforeChoosing(roots::get); // one stat per handshake; reloads only after a rotation step
            }
            serverCertificate = identity.certificate();
            audit.serverCertificate(identity.certificate());
            credentials = TlsServerCredentials.newBuilder().keyManager(keys).build();
            this.names = names;
        }
        Server s = NettyServerBuilder.forAddress(address, credentials)
                .addService(service)
                .addService(health.getHealthService())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(8 * 1024)
                .build();
        s.start();
        server = s;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(PkiServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        if (transport.tls() || roots.watching()) {
            scheduleRenewal(names);
        }
        return port();
    }

    /** Renews the server certificate at two thirds of its lifetime, for as long as the server runs. */
    private void scheduleRenewal(List<String> names) {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pki-server-certificate");
            t.setDaemon(true);
            return t;
        });
        if (transport.tls()) {
            renewer.schedule(() -> renew(names), delayUntilRenewal(), TimeUnit.MILLISECONDS);
        }
        if (roots.watching()) {
            // calls look at rotation.state too; this also notices a step while no call comes in
            long every = ROTATION_POLL.toMillis();
            renewer.scheduleWithFixedDelay(this::pollRoots, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void pollRoots() {
        try {
            roots.get();
        } catch (RuntimeException e) {
            LOG.error("pki: cannot check {}: {}", CaLayout.ROTATION_STATE, e.getMessage());
        }
    }

    /**
     * A rotation step changed the roots. The PKI's own certificate chains to the established root, which
     * changes only when a rotation finishes: then it is renewed from the new root at once, so that the
     * retired key signs nothing more.
     */
    private void rootsChanged(ZoneRoots before, ZoneRoots after) {
        if (keys == null || before.current().fingerprint().equals(after.current().fingerprint())) {
            return;
        }
        try {
            renewIdentity(names);
        } catch (RuntimeException e) {
            LOG.error("pki: cannot renew the PKI's own server certificate from the new root: {}", e.getMessage());
        }
    }

    private long delayUntilRenewal() {
        Instant due = PkiServerIdentity.renewalDue(serverCertificate);
        return Math.max(1_000, Duration.between(clock.instant(), due).toMillis());
    }

    private void renew(List<String> names) {
        long next;
        try {
            renewServerCertificate(names);
            next = delayUntilRenewal();
        } catch (RuntimeException e) {
            LOG.error("cannot renew the PKI's own server certificate (it expires at {}): {}; retrying in a minute",
                    serverCertificate.getNotAfter().toInstant(), e.getMessage());
            next = Duration.ofMinutes(1).toMillis();
        }
        ScheduledExecutorService r = renewer;
        if (r != null && !r.isShutdown()) {
            r.schedule(() -> renew(names), next, TimeUnit.MILLISECONDS);
        }
    }

    /** A new key and certificate for new handshakes; running connections keep theirs. */
    void renewServerCertificate(List<String> names) {
        roots.get(); // outside identityLock: it may reload, and a reload may renew
        renewIdentity(names);
    }

    private void renewIdentity(List<String> names) {
        synchronized (identityLock) {
            // the roots as last loaded, read under the lock: a renewal racing a finish never uses the retired key
            ZoneCa ca = roots.last().current();
            Credential identity = PkiServerIdentity.issue(ca, log, names, clock);
            keys.use(identity, ca.certificate());
            serverCertificate = identity.certificate();
            audit.serverCertificate(identity.certificate());
        }
    }

    /** The certificate the PKI presents now; null when serving plaintext or not started. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** Whether the PKI serves TLS. */
    public boolean tls() {
        return transport.tls();
    }

    /** The bound address. */
    public synchronized InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        for (SocketAddress a : server.getListenSockets()) {
            if (a instanceof InetSocketAddress inet) {
                return inet;
            }
        }
        throw new IllegalStateException("no listening socket");
    }

    public int port() {
        return address().getPort();
    }

    /** The established root (the PKI's own TLS identity); during a rotation see {@link #roots()}. */
    public ZoneCa ca() {
        return roots.get().current();
    }

    /** The roots served now: published, and the one that issues. */
    public ZoneRoots roots() {
        return roots.get();
    }

    public IssuancePolicy policy() {
        return policy;
    }

    /** Blocks until the server has stopped (after {@link #close()}, from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        Server s;
        synchronized (this) {
            s = server;
        }
        if (s != null) {
            s.awaitTermination();
        }
    }

    /** Stops taking calls, lets running ones finish for up to five seconds, then cuts them. Idempotent. */
    @Override
    public void close() {
        Server s;
        synchronized (this) {
            s = server;
            if (renewer != null) {
                renewer.shutdownNow();
            }
        }
        if (s == null) {
            return;
        }
        health.enterTerminalState();
        s.shutdown();
        try {
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                s.shutdownNow();
                s.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
