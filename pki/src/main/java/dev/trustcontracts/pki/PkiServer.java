package dev.trustcontracts.pki;

import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A zone's PKI on a real TCP port: {@code PkiService} (behind the bearer token when one is given) and
 * the standard gRPC health service (always open, it reveals nothing). Used by {@code trustctl pki serve},
 * and by tests and the demo to run a PKI in-process.
 */
public final class PkiServer implements AutoCloseable {
    /** CSRs are a few hundred bytes; nothing larger is read. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final ZoneCa ca;
    private final IssuancePolicy policy;
    private final ServerServiceDefinition service;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    /** @param token the bearer token every PkiService call must carry; null serves without one */
    public PkiServer(ZoneCa ca, IssuancePolicy policy, IssuedLog log, BearerToken token, Clock clock) {
        this.ca = ca;
        this.policy = policy;
        ServerServiceDefinition pki = new PkiGrpcService(ca, new CsrSigner(ca, policy, log, clock)).bindService();
        this.service = token == null ? pki : ServerInterceptors.intercept(pki, new BearerTokenInterceptor(token));
    }

    /** Loads the CA in {@code caDir} and opens its serial record; {@code policy} null means the zone's default. */
    public static PkiServer forDirectory(Path caDir, IssuancePolicy policy, BearerToken token) throws IOException {
        CaLayout layout = new CaLayout(caDir);
        ZoneCa ca = CaLoader.load(layout);
        IssuedLog log = IssuedLog.open(layout.issuedLog());
        return new PkiServer(ca, policy == null ? IssuancePolicy.forZone(ca.zone()) : policy, log, token,
                Clock.systemUTC());
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
        Server s = NettyServerBuilder.forAddress(address)
                .addService(service)
                .addService(health.getHealthService())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(8 * 1024)
                .build();
        s.start();
        server = s;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(PkiServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        return port();
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

    public ZoneCa ca() {
        return ca;
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
