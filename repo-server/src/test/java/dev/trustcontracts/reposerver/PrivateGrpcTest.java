package dev.trustcontracts.reposerver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.reposerver.testing.AuditFile;
import dev.trustcontracts.reposerver.testing.Fixture;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --private} covers the gRPC mirror: the same users, over a real gRPC port. */
class PrivateGrpcTest {
    @TempDir
    Path tmp;

    @Test
    void privateServerRefusesGrpcCallsWithoutTheServersCredentials() throws Exception {
        try (Fixture fx = new Fixture(tmp, RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().privateRead(true).build());
             AuditFile audit = new AuditFile(tmp.resolve("audit.jsonl"))) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", fx.server.grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                var anonymous = ContractsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> anonymous.listContracts(ListContractsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                            assertThat(e.getStatus().getDescription()).contains("requires a login");
                        });
                var wrong = anonymous.withInterceptors(basic(Fixture.USER, "not the password"));
                assertThatThrownBy(() -> wrong.listContracts(ListContractsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                            assertThat(e.getStatus().getDescription()).isEqualTo("wrong user name or password");
                        });
                var bearer = anonymous.withInterceptors(header("Bearer " + Fixture.PASSWORD));
                assertThatThrownBy(() -> bearer.listContracts(ListContractsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

                // the streaming Watch is refused too
                CompletableFuture<Throwable> watchError = new CompletableFuture<>();
                ContractsServiceGrpc.newStub(channel).watchCertificates(
                        GetCertificatesRequest.newBuilder().setHash("00".repeat(32)).build(), new StreamObserver<>() {
                            @Override
                            public void onNext(GetCertificatesResponse r) {
                                watchError.complete(null);
                            }

                            @Override
                            public void onError(Throwable t) {
                                watchError.complete(t);
                            }

                            @Override
                            public void onCompleted() {
                                watchError.complete(null);
                            }
                        });
                assertThat(Status.fromThrowable(watchError.get(30, TimeUnit.SECONDS)).getCode())
                        .isEqualTo(Status.Code.UNAUTHENTICATED);

                // the server's user gets its answer
                // (after the wrong password above the user is throttled for a moment: RESOURCE_EXHAUSTED at
                // once, never a wait on the server; a client retries after the delay it was told)
                var authed = anonymous.withInterceptors(basic(Fixture.USER, Fixture.PASSWORD));
                String commit = null;
                for (int i = 0; i < 60 && commit == null; i++) {
                    try {
                        commit = authed.listContracts(ListContractsRequest.getDefaultInstance()).getCommit();
                    } catch (StatusRuntimeException e) {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        Thread.sleep(500);
                    }
                }
                assertThat(commit).isEqualTo(fx.server.index().current().commit());

                // health stays open for probes
                assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

                assertThat(audit.events("login-failure")).anySatisfy(e -> {
                    assertThat(e.get("via")).isEqualTo("grpc");
                    assertThat(e.get("user")).isEqualTo(Fixture.USER);
                    assertThat(e.get("address")).isEqualTo("127.0.0.1");
                });
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void publicServerAnswersGrpcWithoutCredentials() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", fx.server.grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                assertThat(ContractsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listContracts(ListContractsRequest.getDefaultInstance()).getCommit())
                        .isEqualTo(fx.server.index().current().commit());
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static io.grpc.ClientInterceptor basic(String user, String password) {
        return header("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static io.grpc.ClientInterceptor header(String value) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }
}
