package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.ContractRepo;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's scan cache over a real Git repository: what it reuses, and when it must judge again. */
class ScanCacheTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path tmp;
    ContractRepo repo;
    Git bare;
    Repository repository;
    ScanCache cache;
    final Instant now = TestZone.NOW;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    @BeforeEach
    void setUp() throws Exception {
        repo = ContractRepo.create(tmp.resolve("repo"));
        bare = Git.open(repo.bare.toFile());
        repository = bare.getRepository();
        cache = new ScanCache(new TreeScanner(new ContractVerifier(ContractVerifier.DEFAULT_MAX_WINDOW),
                ScanLimits.DEFAULT), ScanLimits.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        bare.close();
        repo.close();
    }

    @Test
    void theSameCommitIsReusedUntilTheFirstContractStopsHolding() throws Exception {
        ObjectId head = repo.put(TestZone.signed("alice-bob", alice, bob)).copy();
        ScanResult first = cache.scan(repository, head, now, List.of());
        assertThat(first.valid()).extracting(VerifiedContract::name).containsExactly("alice-bob");
        Instant until = first.valid().get(0).validUntil();

        assertThat(cache.scan(repository, head, now.plusSeconds(60), List.of())).isSameAs(first);
        assertThat(cache.scan(repository, head, until.minusMillis(1), List.of())).isSameAs(first);

        ScanResult atExpiry = cache.scan(repository, head, until, List.of());
        assertThat(atExpiry).isNotSameAs(first);
        ScanResult after = cache.scan(repository, head, until.plusSeconds(1), List.of());
        assertThat(after.valid()).isEmpty();
        assertThat(after.problems()).extracting(p -> p.rule()).containsExactly(Rule.EXPIRED);
        // a tree with a time-dependent problem is judged again every time
        assertThat(cache.scan(repository, head, until.plusSeconds(1), List.of())).isNotSameAs(after);
    }

    @Test
    void aNewCommitIsReadAndJudged() throws Exception {
        ObjectId one = repo.put(TestZone.signed("alice-bob", alice, bob)).copy();
        assertThat(cache.scan(repository, one, now, List.of()).valid()).hasSize(1);
        ObjectId two = repo.put(TestZone.signed("bob-carol", bob, carol)).copy();
        assertThat(cache.scan(repository, two, now, List.of()).valid()).extracting(VerifiedContract::name)
                .containsExactlyInAnyOrder("alice-bob", "bob-carol");
        ObjectId three = repo.delete("alice-bob").copy();
        assertThat(cache.scan(repository, three, now, List.of()).valid()).extracting(VerifiedContract::name)
                .containsExactly("bob-carol");
        // back to an older commit (a refused head keeps the last applied one): read again, not reused
        assertThat(cache.scan(repository, one, now, List.of()).valid()).extracting(VerifiedContract::name)
                .containsExactly("alice-bob");
    }

    @Test
    void aContractNotYetValidIsJudgedAgainEveryTimeAndHoldsOnceItsTimeComes() throws Exception {
        Instant start = now.plus(Duration.ofHours(2));
        Contract c = ContractDraft.create("later", List.of(alice.zone(), bob.zone()), start, Duration.ofDays(30));
        for (TestZone z : List.of(alice, bob)) {
            // signed at the start of its window, as a drafter whose clock is there would
            c = ContractSigner.sign(c, z.signerKeys.getPrivate(), z.chain(), start);
        }
        ObjectId head = repo.put(c).copy();
        ScanResult before = cache.scan(repository, head, now, List.of());
        assertThat(before.valid()).isEmpty();
        assertThat(before.problems()).isNotEmpty();
        assertThat(cache.scan(repository, head, now, List.of())).isNotSameAs(before);

        ScanResult later = cache.scan(repository, head, start.plusSeconds(1), List.of());
        assertThat(later.valid()).extracting(VerifiedContract::name).containsExactly("later");
        assertThat(cache.scan(repository, head, start.plusSeconds(2), List.of())).isSameAs(later);
    }

    @Test
    void clearForgetsEverything() throws Exception {
        ObjectId head = repo.put(TestZone.signed("alice-bob", alice, bob)).copy();
        ScanResult first = cache.scan(repository, head, now, List.of());
        cache.clear();
        ScanResult again = cache.scan(repository, head, now, List.of());
        assertThat(again).isNotSameAs(first);
        assertThat(again.valid()).extracting(VerifiedContract::id).isEqualTo(first.valid().stream()
                .map(VerifiedContract::id).toList());
    }
}
