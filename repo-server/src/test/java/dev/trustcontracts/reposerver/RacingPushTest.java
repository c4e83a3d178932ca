package dev.trustcontracts.reposerver;

import dev.trustcontracts.reposerver.testing.Http;
import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two pushers race to move main from the same commit: exactly one wins, the repository stays sound. */
class RacingPushTest {
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    @Test
    void exactlyOneOfTwoRacingPushesWins() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Git a = fx.cloneRepo("a");
            Git b = fx.cloneRepo("b");
            // log in once before the race: two first logins of one user at once get one password check and a 429
            // for the other (by design, see AbuseTest); this test races ref updates, so both pushes must be
            // authenticated from the remembered login
            assertThat(Http.send("GET", fx.server.httpUrl() + "/api/whoami", Fixture.USER, Fixture.PASSWORD).status())
                    .isEqualTo(200);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    ObjectId main = Fixture.fetchMain(a);
                    assertThat(Fixture.fetchMain(b)).isEqualTo(main);
                    ObjectId ca = Fixture.commit(a, main.name(), change()
                            .contract("contracts/a" + round + ".yaml", TestZone.signed("a" + round, ALICE, BOB)));
                    ObjectId cb = Fixture.commit(b, main.name(), change()
                            .contract("contracts/b" + round + ".yaml", TestZone.signed("b" + round, BOB, CAROL)));
                    CyclicBarrier start = new CyclicBarrier(2);
                    List<Future<Fixture.Pushed>> results = new ArrayList<>();
                    results.add(pool.submit(() -> {
                        start.await();
                        return Fixture.pushMain(a, ca);
                    }));
                    results.add(pool.submit(() -> {
                        start.await();
                        return Fixture.pushMain(b, cb);
                    }));
                    Fixture.Pushed ra = results.get(0).get(60, TimeUnit.SECONDS);
                    Fixture.Pushed rb = results.get(1).get(60, TimeUnit.SECONDS);
                    assertThat(ra.ok() ^ rb.ok()).as("exactly one winner: %s / %s", ra, rb).isTrue();
                    Fixture.Pushed loser = ra.ok() ? rb : ra;
                    // refused by the server (main moved while the push was in flight), or by the client itself
                    // when the winner had already moved main before the loser read the refs
                    if (loser.status() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON) {
                        assertThat(loser.message()).contains("non-fast-forward");
                    } else {
                        assertThat(loser.status()).isEqualTo(RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD);
                    }
                    ObjectId winner = ra.ok() ? ca : cb;
                    assertThat(fx.server.repository().main()).isEqualTo(winner);
                    assertThat(fx.server.index().current().commit()).isEqualTo(winner.name());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(fx.server.index().current().contracts()).hasSize(ROUNDS);
            if (CGit.available()) {
                CGit.Run fsck = CGit.run(fx.server.config().dataDir().resolve(ContractRepository.DIRECTORY),
                        "fsck", "--strict", "--no-progress");
                assertThat(fsck.exit()).as(fsck.out()).isZero();
                assertThat(fsck.out()).doesNotContain("error").doesNotContain("missing");
            }
        }
    }
}
