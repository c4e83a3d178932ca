package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.GetContractRequest;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.proto.v1.PeerCertificate;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** gRPC and JSON read the index over real ports; metrics move with pushes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MirrorTest {
    @TempDir
    static Path tmp;
    Fixture fx;
    Git git;
    ManagedChannel channel;
    ContractsServiceGrpc.ContractsServiceBlockingStub stub;
    String base;
    static final String ALICE_HASH = Fingerprint.of(ALICE.root);
    static final String BOB_HASH = Fingerprint.of(BOB.root);
    /** Only the watch test makes contracts with dave, so its view does not depend on test order. */
    static final TestZone DAVE = TestZone.create("dave");
    static final String DAVE_HASH = Fingerprint.of(DAVE.root);

    @BeforeAll
    void start() throws Exception {
        fx = new Fixture(tmp);
        git = fx.cloneRepo("clone");
        ObjectId main = Fixture.fetchMain(git);
        ObjectId c = Fixture.commit(git, main.name(), change()
                .contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB)));
        assertThat(Fixture.pushMain(git, c).ok()).isTrue();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        stub = ContractsServiceGrpc.newBlockingStub(channel);
        base = fx.server.httpUrl();
    }

    @AfterAll
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        fx.close();
    }

    private String commit() {
        return fx.server.index().current().commit();
    }

    @Test
    void listAndGetContract() {
        var list = stub.listContracts(ListContractsRequest.getDefaultInstance());
        assertThat(list.getCommit()).isEqualTo(commit());
        assertThat(list.getContractsList()).anySatisfy(e -> {
            assertThat(e.getPath()).isEqualTo("contracts/alice-bob.yaml");
            assertThat(e.getContract().getSignaturesCount()).isEqualTo(2);
        });
        var one = stub.getContract(GetContractRequest.newBuilder().setName("alice-bob").build());
        assertThat(one.getCommit()).isEqualTo(commit());
        assertThat(one.getContract().getContract().getBody().getName()).isEqualTo("alice-bob");
        assertThatThrownBy(() -> stub.getContract(GetContractRequest.newBuilder().setName("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void certificatesAreThePeersRootsOnly() {
        GetCertificatesResponse byHash = stub.getCertificates(GetCertificatesRequest.newBuilder().setHash(ALICE_HASH).build());
        assertThat(byHash.getCommit()).isEqualTo(commit());
        assertThat(byHash.getCertificatesList()).extracting(PeerCertificate::getHash).containsExactly(BOB_HASH);
        assertThat(byHash.getCertificates(0).getContractsList()).containsExactly("alice-bob");
        GetCertificatesResponse byName = stub.getCertificates(GetCertificatesRequest.newBuilder().setName("bob").build());
        assertThat(byName.getCertificatesList()).extracting(PeerCertificate::getParticipant).containsExactly("alice");
        GetCertificatesResponse stranger = stub.getCertificates(GetCertificatesRequest.newBuilder().setHash("ab".repeat(32)).build());
        assertThat(stranger.getCertificatesList()).isEmpty();
        assertThatThrownBy(() -> stub.getCertificates(GetCertificatesRequest.newBuilder().setHash("xyz").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void watchReceivesTheCurrentSetThenTheUpdateAfterAPush() throws Exception {
        BlockingQueue<GetCertificatesResponse> got = new LinkedBlockingQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        ContractsServiceGrpc.newStub(channel).watchCertificates(
                GetCertificatesRequest.newBuilder().setHash(DAVE_HASH).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(GetCertificatesResponse r) {
                        got.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        GetCertificatesResponse first = got.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getCertificatesList()).isEmpty();
        waitFor(() -> fx.server.metrics().scrape().contains("trustctl_server_watch_subscribers 1.0"));

        ObjectId main = Fixture.fetchMain(git);
        ObjectId c = Fixture.commit(git, main.name(), change()
                .contract("contracts/bob-dave.yaml", TestZone.signed("bob-dave", BOB, DAVE)));
        assertThat(Fixture.pushMain(git, c).ok()).isTrue();

        GetCertificatesResponse update = got.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("an update after the push").isNotNull();
        assertThat(update.getCommit()).isEqualTo(c.name());
        assertThat(update.getCertificatesList()).extracting(PeerCertificate::getHash).containsExactly(BOB_HASH);
    }

    @Test
    void healthAndReflection() throws Exception {
        HealthCheckResponse h = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                .setService(ContractsServiceGrpc.SERVICE_NAME).build());
        assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        BlockingQueue<ServerReflectionResponse> got = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        got.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse r = got.poll(10, TimeUnit.SECONDS);
        req.onCompleted();
        assertThat(r).isNotNull();
        assertThat(r.getListServicesResponse().getServiceList()).extracting(s -> s.getName())
                .contains(ContractsServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health");
    }

    @Test
    void jsonEndpoints() throws Exception {
        JsonNode list = Http.get(base + "/api/contracts").json();
        assertThat(list.get("commit").asText()).isEqualTo(commit());
        assertThat(list.get("contracts").get(0).get("name").asText()).isEqualTo("alice-bob");
        assertThat(list.get("contracts").get(0).get("participants").get(0).get("hash").asText()).isEqualTo(ALICE_HASH);

        Http.Response one = Http.get(base + "/api/contracts/alice-bob");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("contract").get("yaml").asText()).contains("name: alice-bob");
        assertThat(Http.get(base + "/api/contracts/nope").status()).isEqualTo(404);

        JsonNode certs = Http.get(base + "/api/certificates?hash=" + ALICE_HASH).json();
        assertThat(certs.get("commit").asText()).isEqualTo(commit());
        assertThat(certs.get("certificates").get(0).get("hash").asText()).isEqualTo(BOB_HASH);
        assertThat(certs.get("certificates").get(0).get("certificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
        JsonNode byName = Http.get(base + "/api/certificates?name=alice").json();
        assertThat(byName.get("certificates").get(0).get("participant").asText()).isEqualTo("bob");
        Http.Response bad = Http.get(base + "/api/certificates");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("exactly one of hash");

        assertThat(Http.get(base + "/healthz").status()).isEqualTo(200);
        Http.Response ready = Http.get(base + "/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("commit").asText()).isEqualTo(commit());
    }

    @Test
    void metricsChangeAfterPushes() throws Exception {
        String before = Http.get(base + "/metrics").body();
        double accepted = value(before, "trustctl_server_pushes_total{result=\"accepted\",rule=\"none\",target=\"main\"}");
        double rejected = value(before, "trustctl_server_pushes_total{result=\"rejected\",rule=\"signature-missing\",target=\"main\"}");

        ObjectId main = Fixture.fetchMain(git);
        ObjectId bad = Fixture.commit(git, main.name(), change().contract("contracts/m1.yaml", TestZone.draft("m1", ALICE, CAROL)));
        assertThat(Fixture.pushMain(git, bad).ok()).isFalse();
        ObjectId good = Fixture.commit(git, main.name(), change().contract("contracts/m2.yaml", TestZone.signed("m2", ALICE, CAROL)));
        assertThat(Fixture.pushMain(git, good).ok()).isTrue();

        String after = Http.get(base + "/metrics").body();
        assertThat(value(after, "trustctl_server_pushes_total{result=\"accepted\",rule=\"none\",target=\"main\"}"))
                .isEqualTo(accepted + 1);
        assertThat(value(after, "trustctl_server_pushes_total{result=\"rejected\",rule=\"signature-missing\",target=\"main\"}"))
                .isEqualTo(rejected + 1);
        assertThat(after).contains("trustctl_server_validation_seconds_count{target=\"main\"}")
                .contains("trustctl_server_contracts " + (double) fx.server.index().current().contracts().size());
    }

    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 200 && !cond.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }
}
