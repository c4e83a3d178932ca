package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.core.contract.VerificationCacheFile;
import dev.trustcontracts.proto.v1.CacheHeader;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent that starts again restores its verifications from its work directory's cache
 * ({@link VerificationStore}) and still judges every contract against its own clock; a cache it did not write
 * cannot make a contract valid, and a damaged one only costs a full verification.
 */
class AgentRestartCacheTest extends AgentFixture {
    static TestZone bob;
    static TestZone carol;
    static TestZone dave;

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        dave = TestZone.create("dave");
    }

    private Agent agent() throws Exception {
        return new Agent(config().interval(Duration.ofSeconds(1)).clock(clock).build());
    }

    private Path cache() {
        return files().workDir().resolve(VerificationStore.FILE);
    }

    private String own() {
        return Fingerprint.of(alice.root());
    }

    private static String hash(TestZone z) {
        return Fingerprint.of(z.root);
    }

    private static Contract badSignature(Contract c) {
        int last = c.getSignaturesCount() - 1;
        byte[] v = c.getSignatures(last).getValue().toByteArray();
        v[v.length / 2] ^= 1;
        return c.toBuilder().setSignatures(last, c.getSignatures(last).toBuilder()
                .setValue(ByteString.copyFrom(v))).build();
    }

    @Test
    void aRestartedAgentRestoresItsVerificationsAndJudgesThemAgainstItsClock() throws Exception {
        repo.put(alice.contractWith("alice-bob", Duration.ofHours(1), bob));
        repo.put(alice.contractWith("alice-carol", carol));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(bob), hash(carol));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache()))).isEqualTo("rw-------");
        assertThat(VerificationStore.open(files().workDir(), new ContractVerifier()).loadedEntries()).isEqualTo(2);

        // alice-bob was cached as valid; after its not_after the restarted agent drops bob all the same
        clock.advance(Duration.ofHours(2));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(carol));
        }
    }

    @Test
    void aCacheRewrittenWithoutTheKeyCannotMakeABadSignatureTrusted() throws Exception {
        repo.put(alice.contractWith("alice-carol", carol));
        repo.put(badSignature(alice.contractWith("alice-dave", dave)));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(carol));
        }
        // someone who can write the work directory but not read the key clears alice-dave's problems
        // (the test reads the records with the key; the attacker writes them back under any other key)
        byte[] key = Files.readAllBytes(cache().resolveSibling(VerificationStore.KEY_FILE));
        CacheHeader[] header = {null};
        List<CachedVerification> entries = new java.util.ArrayList<>();
        for (CachedVerification e : VerificationCacheFile.read(cache(), key, h -> header[0] = h, e -> e)) {
            if (e.getPath().endsWith("alice-dave.yaml")) {
                assertThat(e.getProblemsCount()).isPositive();
                e = e.toBuilder().clearProblems().build();
            }
            entries.add(e);
        }
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        VerificationCacheFile.write(cache(), otherKey, header[0], entries.iterator());
        byte[] forged = Files.readAllBytes(cache());
        // and the agent's outputs are re-derived on start: remove chain.pem to see them written again
        Files.delete(files().chain());

        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(carol));
        }
    }

    @Test
    void aGarbageCacheCostsOnlyAFullVerification() throws Exception {
        repo.put(alice.contractWith("alice-carol", carol));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
        }
        Files.write(cache(), "not a cache".getBytes(StandardCharsets.UTF_8));
        Files.delete(files().chain());
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(carol));
        }
        // the full verification wrote a sound cache again
        assertThat(VerificationStore.open(files().workDir(), new ContractVerifier()).loadedEntries()).isEqualTo(1);
    }

    /** The records of the agent's cache file, read with its key, by contract name. */
    private java.util.Map<String, CachedVerification> records(CacheHeader[] header) throws Exception {
        byte[] key = Files.readAllBytes(cache().resolveSibling(VerificationStore.KEY_FILE));
        java.util.Map<String, CachedVerification> out = new java.util.HashMap<>();
        for (CachedVerification e : VerificationCacheFile.read(cache(), key, h -> header[0] = h, e -> e)) {
            out.put(e.getContract().getBody().getName(), e);
        }
        return out;
    }

    @Test
    void theCacheSummarisesOtherZonesContractsAndAnIdClashWithASummaryStillInvalidatesBoth() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        Contract bobCarol = TestZone.signed("bob-carol", bob, carol);
        repo.put(bobCarol);
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(bob));
        }
        CacheHeader[] header = {null};
        java.util.Map<String, CachedVerification> kept = records(header);
        assertThat(header[0].getZoneRootsList()).containsExactly(own());
        assertThat(kept.get("alice-bob").getSummary()).isFalse();
        assertThat(kept.get("bob-carol").getSummary()).isTrue();
        assertThat(kept.get("bob-carol").getContract().getSignaturesCount()).isZero();

        // a new contract of alice's reuses the summarised contract's id: the restarted agent restores bob-carol as
        // a summary and must still see the clash (ids are unique across files: both are invalid, dave not trusted)
        Contract draft = dev.trustcontracts.core.contract.ContractDraft.create("alice-dave",
                List.of(alice.zone(), dave.zone()), java.time.Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(366));
        draft = draft.toBuilder().setBody(draft.getBody().toBuilder().setId(bobCarol.getBody().getId())).build();
        Contract clash = dave.sign(alice.sign(draft));
        repo.put(clash);
        Files.delete(files().chain());
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(bob));
        }
        assertThat(records(header).get("bob-carol").getSummary()).isTrue();
    }
}
