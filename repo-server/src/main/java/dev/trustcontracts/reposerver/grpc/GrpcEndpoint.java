package dev.trustcontracts.reposerver.grpc;

import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.reposerver.HostPort;
import dev.trustcontracts.reposerver.TlsMaterial;
import dev.trustcontracts.reposerver.auth.Login;
import dev.trustcontracts.reposerver.index.ContractIndex;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The gRPC port: {@code ContractsService}, the standard health service and server reflection. */
public final class GrpcEndpoint implements AutoCloseable {
    private final Server server;
    private final HealthStatusManager health;
    private final ExecutorService executor;
    private final WatchHub watchers;

    private GrpcEndpoint(Server server, HealthStatusManager health, ExecutorService executor, WatchHub watchers) {
        this.server = server;
        this.health = health;
        this.executor = executor;
        this.watchers = watchers;
    }

    /**
     * The gRPC port: {@code ContractsService} answering from {@code index}; its watch streams hear every new
     * snapshot of the index. With {@code login} (private mode), every ContractsService call must log in; the standard health service
     * stays open for probes and reveals nothing. The password check is slow by design, so calls then run
     * on a few worker threads instead of the network event loop.
     */
    public static GrpcEndpoint start(HostPort listen, TlsMaterial tls, ContractIndex index, Login login)
            throws IOException {
        WatchHub watchers = new WatchHub();
        index.addListener(watchers::publish);
        ContractsGrpcService service = new ContractsGrpcService(index, watchers);
        GrpcAuthInterceptor auth = login == null ? null : new GrpcAuthInterceptor(login);
        ServerCredentials creds = tls == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.newBuilder().keyManager(tls.keyManagers()).build();
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(listen.socketAddress(), creds);
        ExecutorService executor = null;
        if (auth == null) {
            // every handler answers from the in-memory index without blocking: run them on the event loop
            builder.directExecutor();
        } else {
            executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "grpc-auth");
                t.setDaemon(true);
                return t;
            });
            builder.executor(executor);
        }
        Server server = builder
                .addService(auth == null ? service.bindService() : ServerInterceptors.intercept(service, auth))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(ContractsServiceGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        return new GrpcEndpoint(server, health, executor, watchers);
    }

    /** Open {@code WatchCertificates} streams. */
    public int watchSubscribers() {
        return watchers.size();
    }

    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    @Override
    public void close() {
        watchers.closeAll(); // open WatchCertificates streams end with UNAVAILABLE
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
