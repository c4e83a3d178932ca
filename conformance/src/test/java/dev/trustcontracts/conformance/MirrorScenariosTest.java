package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.mirror.MirrorStatus;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A read-only mirror ({@code repo-server --mirror-of}) of a primary whose bare repository is rewritten behind
 * its back by whoever holds its host: no push validation runs, so the mirror must check what it copies on its
 * own. The mirror is a real repo-server on 127.0.0.1 following the stage's server over HTTP.
 */
class MirrorScenariosTest extends ConformanceScenario {

    /** Bounded wait for what the mirror's background fetch (every 200 ms) brings about. */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 60 s: %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String main(RepoServer s) {
        try {
            return s.repository().main().name();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> grpcPaths(RepoServer s) throws InterruptedException {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", s.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            return ContractsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .listContracts(ListContractsRequest.getDefaultInstance()).getContractsList().stream()
                    .map(c -> c.getPath()).toList();
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("Mirror of a rewritten primary: a half-signed contract is not in its JSON or gRPC, a rewound "
            + "main is refused, and an agent reading only the mirror keeps its last good bundle")
    void mirrorOfARewrittenPrimary() throws Exception {
        String good = serverMain();
        RepoServer mirror = stage.mirror("mirror");
        await("the mirror serves the primary's main", () -> main(mirror).equals(good));
        Api mirrorApi = new Api(mirror.httpUrl(), Stage.USER, Stage.PASSWORD);
        ZoneAgent viaMirror = stage.agent(cast.alice, mirror.gitUrl(), "alice-via-mirror");
        synced(viaMirror);
        assertVictimTrustedBy(viaMirror);

        // behind the primary's back: alice-carol signed by alice alone, committed on top of main
        Contract halfSigned = cast.alice.sign(ContractDraft.create("alice-carol",
                List.of(cast.alice.zone(), cast.carol.zone()), Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30)));
        Clone mallory = stage.clone("mallory");
        String planted = mallory.contract(halfSigned).commit("alice-carol, carol never signed");
        mallory.pushTo(stage.serverRepository().toString(), "HEAD:refs/heads/main");
        // the mirror takes the commit (it descends from its main) but indexes no contract a participant did not sign
        await("the mirror takes the planted main", () -> main(mirror).equals(planted)
                && planted.equals(mirror.index().current().commit()));
        assertThat(mirrorApi.contracts()).containsOnlyKeys("alice-bob");
        assertThat(mirrorApi.get("/api/contracts/alice-carol").status()).isEqualTo(404);
        assertThat(grpcPaths(mirror)).containsExactly("contracts/alice-bob.yaml");
        assertNotTrusted(cast.carol, viaMirror);
        assertVictimTrustedBy(viaMirror);

        // the primary's main rewound behind its back to before alice-bob: the mirror keeps its own main
        String beforeVictim = admin.rev(good + "~1");
        mallory.pushTo(stage.serverRepository().toString(), "+" + beforeVictim + ":refs/heads/main");
        MirrorStatus status = mirror.mirror().orElseThrow();
        await("the mirror refuses the rewound main", () -> status.state() == MirrorStatus.State.REFUSING);
        assertThat(status.problem()).contains("rewound or rewrote main").contains("keeping " + planted);
        assertThat(main(mirror)).isEqualTo(planted);
        assertThat(admin.ok("ls-remote", mirror.gitUrl(), "refs/heads/main")).startsWith(planted);
        assertThat(mirrorApi.contracts()).containsOnlyKeys("alice-bob");
        synced(viaMirror);
        assertVictimTrustedBy(viaMirror);
        assertThat(viaMirror.chain()).doesNotContain(Cast.hash(cast.carol));
    }
}
