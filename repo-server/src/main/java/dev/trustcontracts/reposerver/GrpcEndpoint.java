package dev.trustcontracts.reposerver;

import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC port: {@code ContractsService}, the standard health service and server reflection. */
public final class GrpcEndpoint implements AutoCloseable {
    private final Server server;
    private final HealthStatusManager health;

    private GrpcEndpoint(Server server, HealthStatusManager health) {
        this.server = server;
        this.health = health;
    }

    public static GrpcEndpoint start(HostPort listen, TlsMaterial tls, ContractsGrpcService service) throws IOException {
        ServerCredentials creds = tls == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.newBuilder().keyManager(tls.keyManagers()).build();
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(listen.socketAddress(), creds)
                // every handler answers from the in-memory index without blocking: run them on the event loop
                .directExecutor()
                .addService(service)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(ContractsServiceGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        return new GrpcEndpoint(server, health);
    }

    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    @Override
    public void close() {
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
    }
}
