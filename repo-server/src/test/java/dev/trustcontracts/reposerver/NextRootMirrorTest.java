package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.PeerCertificate;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.TestZone;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * During a root rotation a zone may ask the mirrors with its next root's hash (an agent that already runs on the
 * next root, a client configured with the new fingerprint): it gets the same peers as with its current root, over
 * the real JSON API, gRPC GetCertificates and the gRPC watch stream. Before the fix the index knew contracts only
 * by their participants' current roots, and such a zone got no peers at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NextRootMirrorTest {
    @TempDir
    static Path tmp;
    static final TestZone ALICE = TestZone.create("alice");
    static final TestZone ALICE_NEXT = TestZone.create("alice");
    static final TestZone BOB = TestZone.create("bob");
    static final String OLD = Fingerprint.of(ALICE.root);
    static final String NEXT = Fingerprint.of(ALICE_NEXT.root);
    static final String BOB_HASH = Fingerprint.of(BOB.root);
    Fixture fx;
    ManagedChannel channel;
    String commit;

    @BeforeAll
    void start() throws Exception {
        fx = new Fixture(tmp);
        Git git = fx.cloneRepo("clone");
        // alice lists her current and her next root and signs with each; bob signs
        Contract rotating = BOB.sign(ALICE_NEXT.sign(ALICE.sign(ContractDraft.create("alice-bob", List.of(
                        new ContractDraft.Zone("alice", ALICE.root, "", ALICE_NEXT.root), BOB.zone()),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(30)))));
        ObjectId c = Fixture.commit(git, Fixture.fetchMain(git).name(), change()
                .contract("contracts/alice-bob.yaml", rotating));
        assertThat(Fixture.pushMain(git, c).ok()).isTrue();
        commit = c.name();
        git.close();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", fx.server.grpcPort(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        fx.close();
    }

    @Test
    void theNextRootsHashGetsTheSamePeersAsTheCurrentOneOverJson() throws Exception {
        for (String own : List.of(OLD, NEXT)) {
            JsonNode certs = Http.get(fx.server.httpUrl() + "/api/certificates?hash=" + own).json();
            assertThat(certs.get("commit").asText()).isEqualTo(commit);
            List<String> peers = new ArrayList<>();
            certs.get("certificates").forEach(p -> peers.add(p.get("hash").asText()));
            assertThat(peers).as("peers of alice asking with %s", own.equals(OLD) ? "the current root" : "the next root")
                    .containsExactly(BOB_HASH);
            assertThat(certs.get("certificates").get(0).get("contracts").get(0).asText()).isEqualTo("alice-bob");
        }
        // bob gets both of alice's roots; nobody's own root is among its peers
        List<String> bobs = new ArrayList<>();
        Http.get(fx.server.httpUrl() + "/api/certificates?hash=" + BOB_HASH).json().get("certificates")
                .forEach(p -> bobs.add(p.get("hash").asText()));
        assertThat(bobs).containsExactlyInAnyOrder(OLD, NEXT);
    }

    @Test
    void theNextRootsHashGetsTheSamePeersOverGrpcAndTheWatchStream() throws Exception {
        var stub = ContractsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        GetCertificatesResponse byNext = stub.getCertificates(GetCertificatesRequest.newBuilder().setHash(NEXT).build());
        assertThat(byNext.getCommit()).isEqualTo(commit);
        assertThat(byNext.getCertificatesList()).extracting(PeerCertificate::getHash).containsExactly(BOB_HASH);
        assertThat(byNext).isEqualTo(stub.getCertificates(GetCertificatesRequest.newBuilder().setHash(OLD).build()));

        BlockingQueue<GetCertificatesResponse> got = new LinkedBlockingQueue<>();
        io.grpc.Context.CancellableContext watch = io.grpc.Context.current().withCancellation();
        watch.run(() -> ContractsServiceGrpc.newStub(channel).watchCertificates(
                GetCertificatesRequest.newBuilder().setHash(NEXT).build(), new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(GetCertificatesResponse r) {
                        got.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        try {
            GetCertificatesResponse first = got.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("the watch stream's first answer").isNotNull();
            assertThat(first.getCertificatesList()).extracting(PeerCertificate::getHash).containsExactly(BOB_HASH);
        } finally {
            watch.cancel(null);
        }
    }
}
