package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.core.contract.VerificationCacheFile;
import dev.trustcontracts.proto.v1.CacheHeader;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repo-server that starts again restores its verifications from the data directory's cache
 * ({@link VerificationStore}), judges them on its clock, and ignores a cache it did not write.
 */
class ServerRestartCacheTest {
    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private RepoServer start(Clock clock) throws Exception {
        return RepoServer.start(RepoServerConfig.builder(data()).ephemeralPorts().clock(clock).build());
    }

    private List<String> names(RepoServer s) {
        return s.index().current().contracts().stream().map(c -> c.contract().getBody().getName()).sorted().toList();
    }

    /** A contract between alice and bob that ends about a day from now. */
    private static Contract endingTomorrow() {
        Contract c = ContractDraft.create("alice-bob", List.of(ALICE.zone(), BOB.zone()),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(2));
        return BOB.sign(ALICE.sign(c));
    }

    private static Contract badSignature(Contract c) {
        byte[] v = c.getSignatures(1).getValue().toByteArray();
        v[v.length / 2] ^= 1;
        return c.toBuilder().setSignatures(1, c.getSignatures(1).toBuilder().setValue(ByteString.copyFrom(v))).build();
    }

    @Test
    void aRestartedServerRestoresVerificationsAndJudgesThemOnItsClock() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId c = Fixture.commit(git, Fixture.fetchMain(git).name(), change()
                    .contract("contracts/alice-bob.yaml", endingTomorrow())
                    .contract("contracts/alice-carol.yaml", TestZone.signed("alice-carol", ALICE, CAROL)));
            assertThat(Fixture.pushMain(git, c).ok()).isTrue();
        }
        try (RepoServer s = start(Clock.systemUTC())) {
            assertThat(names(s)).containsExactly("alice-bob", "alice-carol");
        }
        Path cache = data().resolve(VerificationStore.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");
        assertThat(VerificationStore.open(data(), new ContractVerifier()).loadedEntries()).isEqualTo(2);

        // alice-bob is cached as valid; two days on, the restarted server no longer lists it
        try (RepoServer s = start(Clock.offset(Clock.systemUTC(), Duration.ofDays(2)))) {
            assertThat(names(s)).containsExactly("alice-carol");
        }
    }

    @Test
    void aCacheRewrittenWithoutTheKeyCannotMakeABadSignatureValid() throws Exception {
        new Fixture(tmp).close();
        // a main moved behind the server's back holds a contract whose signature does not verify
        try (ContractRepository repo = ContractRepository.openOrCreate(data())) {
            Git git = Git.wrap(repo.git());
            ObjectId c = Fixture.commit(git, ContractRepository.MAIN, change()
                    .contract("contracts/alice-carol.yaml", TestZone.signed("alice-carol", ALICE, CAROL))
                    .contract("contracts/alice-bob.yaml", badSignature(TestZone.signed("alice-bob", ALICE, BOB))));
            RefUpdate u = repo.git().updateRef(ContractRepository.MAIN);
            u.setNewObjectId(c);
            assertThat(u.forceUpdate()).isEqualTo(RefUpdate.Result.FORCED);
        }
        try (RepoServer s = start(Clock.systemUTC())) {
            assertThat(names(s)).containsExactly("alice-carol");
        }
        // someone who can write the data directory, not read the key, clears alice-bob's problems
        Path cache = data().resolve(VerificationStore.FILE);
        // (the test reads the records with the key; the attacker writes them back under any other key)
        byte[] key = Files.readAllBytes(cache.resolveSibling(VerificationStore.KEY_FILE));
        CacheHeader[] header = {null};
        List<CachedVerification> entries = new java.util.ArrayList<>();
        for (CachedVerification e : VerificationCacheFile.read(cache, key, h -> header[0] = h, e -> e)) {
            if (e.getPath().endsWith("alice-bob.yaml")) {
                assertThat(e.getProblemsCount()).isPositive();
                e = e.toBuilder().clearProblems().build();
            }
            entries.add(e);
        }
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        VerificationCacheFile.write(cache, otherKey, header[0], entries.iterator());
        byte[] forged = Files.readAllBytes(cache);
        try (RepoServer s = start(Clock.systemUTC())) {
            assertThat(names(s)).containsExactly("alice-carol");
        }
        // a cache cut short, or garbage: the server starts and verifies everything
        for (byte[] bad : List.of(Arrays.copyOf(forged, 40), "garbage".getBytes(StandardCharsets.UTF_8))) {
            Files.write(cache, bad);
            try (RepoServer s = start(Clock.systemUTC())) {
                assertThat(names(s)).containsExactly("alice-carol");
            }
        }
        assertThat(VerificationStore.open(data(), new ContractVerifier()).loadedEntries()).isEqualTo(2);
    }
}
