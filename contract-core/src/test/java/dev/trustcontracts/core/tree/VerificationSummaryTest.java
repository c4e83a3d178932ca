package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's cache keeps summaries of the contracts its zone is not in (format 3): against a real Git repository
 * and real files, a warm start under the same zone gives the same verdicts and the zone's own contracts in full,
 * and a summary is never used where the full contract could matter (another zone, a rotation, another blob).
 */
class VerificationSummaryTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path repoDir;
    @TempDir
    Path state;
    Git git;
    ObjectId head;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    /** alice-bob and alice-carol are valid; forged (bob, carol) has a broken signature. */
    @BeforeEach
    void repository() throws Exception {
        git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call();
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
        write("contracts/alice-carol.yaml", TestZone.signed("alice-carol", alice, carol));
        write("contracts/forged.yaml", VerificationStoreTest.badSignature(TestZone.signed("forged", bob, carol)));
        commit();
    }

    void write(String path, Contract c) throws Exception {
        Path p = repoDir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, ContractCodec.toYaml(c));
    }

    void commit() throws Exception {
        git.add().addFilepattern(".").call();
        head = git.commit().setMessage("c").setSign(false).setAuthor("t", "t@example")
                .setCommitter("t", "t@example").call();
    }

    static String hash(TestZone z) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(z.root.getEncoded()));
    }

    record Run(ScanResult result, int restored, TreeScanner scanner) {
        Map<String, VerifiedContract> valid() {
            return result.valid().stream().collect(Collectors.toMap(VerifiedContract::name, Function.identity()));
        }
    }

    /** One agent start whose zone has these root hashes: open, tell the zone, scan main, save. */
    Run start(List<String> zone) throws Exception {
        ContractVerifier verifier = new ContractVerifier();
        VerificationStore store = VerificationStore.open(state, verifier);
        TreeScanner scanner = new TreeScanner(verifier, VerificationStoreTest.LIMITS, store);
        scanner.zone(zone);
        ScanResult r = scanner.scan(tree(), TestZone.NOW);
        scanner.persist();
        return new Run(r, store.restoredEntries(), scanner);
    }

    GitTree tree() {
        return new GitTree(git.getRepository(), head, 1 << 20);
    }

    ScanResult uncached() throws Exception {
        return new TreeScanner(new ContractVerifier(), VerificationStoreTest.LIMITS).scan(tree(), TestZone.NOW);
    }

    static Map<String, CachedVerification> entries(Path state) throws Exception {
        return VerificationStoreTest.readWithKey(state).entries().stream()
                .collect(Collectors.toMap(e -> e.getPath().replaceAll(".*/|\\.yaml$", ""), Function.identity()));
    }

    @Test
    void theCacheKeepsTheZonesContractsInFullAndSummariesOfTheOthers() throws Exception {
        List<String> carolZone = List.of(hash(carol));
        Run cold = start(carolZone);
        ScanResult full = uncached();
        assertThat(cold.result()).isEqualTo(full);

        VerificationStoreTest.Cache c = VerificationStoreTest.readWithKey(state);
        assertThat(c.header().getZoneRootsList()).containsExactly(hash(carol));
        Map<String, CachedVerification> e = entries(state);
        assertThat(e.get("alice-carol").getSummary()).isFalse();
        assertThat(e.get("alice-carol").getContract()).isEqualTo(full.valid().stream()
                .filter(v -> v.name().equals("alice-carol")).findFirst().orElseThrow().contract());
        assertThat(e.get("forged").getSummary()).isFalse(); // forged lists carol
        CachedVerification s = e.get("alice-bob");
        assertThat(s.getSummary()).isTrue();
        assertThat(s.getContract().getSignaturesCount()).isZero();
        assertThat(s.getContract().getBody().getParticipantsList()).allMatch(p -> p.getCertificate().isEmpty()
                && !p.getHash().isEmpty());

        Run warm = start(carolZone);
        assertThat(warm.restored()).isEqualTo(3);
        // the same verdicts, problems, ids, names and windows; the zone's own contract in full
        assertThat(warm.result().problems()).isEqualTo(full.problems());
        assertThat(warm.valid().keySet()).containsExactlyInAnyOrder("alice-bob", "alice-carol");
        assertThat(warm.valid().get("alice-carol")).isEqualTo(cold.valid().get("alice-carol"));
        VerifiedContract summary = warm.valid().get("alice-bob");
        VerifiedContract fullAliceBob = cold.valid().get("alice-bob");
        assertThat(summary.id()).isEqualTo(fullAliceBob.id());
        assertThat(summary.validUntil()).isEqualTo(fullAliceBob.validUntil());
        assertThat(summary.contract().getBody().getNotAfter()).isEqualTo(fullAliceBob.contract().getBody().getNotAfter());
        assertThat(summary.contract().getBody().getParticipantsList()).extracting(p -> p.getHash())
                .containsExactlyInAnyOrder(hash(alice), hash(bob));
        // a third start under the same zone is as warm
        assertThat(start(carolZone).restored()).isEqualTo(3);
    }

    @Test
    void anInvalidContractsVerdictTravelsWithItsSummary() throws Exception {
        List<String> aliceZone = List.of(hash(alice));
        start(aliceZone);
        CachedVerification forged = entries(state).get("forged");
        assertThat(forged.getSummary()).isTrue();
        assertThat(forged.getProblemsList()).anyMatch(p -> p.getRule().equals(Rule.SIGNATURE_INVALID.name()));
        Run warm = start(aliceZone);
        assertThat(warm.restored()).isEqualTo(3);
        assertThat(warm.result()).isEqualTo(uncached()); // alice is in both valid contracts: both are full
    }

    @Test
    void aSummaryIsNotUsedByAZoneTheContractListsAfterAChangeOfRoots() throws Exception {
        start(List.of(hash(carol)));
        // the same state directory, now the zone of bob: the summary of alice-bob claims bob is absent
        Run asBob = start(List.of(hash(bob)));
        assertThat(asBob.restored()).isEqualTo(2); // alice-carol and forged, kept in full; the summary verified again
        assertThat(asBob.result()).isEqualTo(uncached());
        assertThat(asBob.valid().get("alice-bob").contract().getBody().getParticipants(1).getCertificate()).isNotEmpty();
        assertThat(entries(state).get("alice-bob").getSummary()).isFalse();
        assertThat(entries(state).get("alice-carol").getSummary()).isTrue();

        // a rotation: the zone's roots gain a next root; every summary made for the old set is a miss
        Run rotating = start(List.of(hash(bob), hash(alice)));
        assertThat(rotating.restored()).isEqualTo(2); // alice-bob and forged were full under bob; alice-carol was a summary
        assertThat(rotating.result()).isEqualTo(uncached());
        assertThat(VerificationStoreTest.readWithKey(state).header().getZoneRootsList())
                .containsExactlyInAnyOrder(hash(alice), hash(bob));
    }

    @Test
    void aZoneChangeInOneProcessForgetsTheSummariesHeldInMemory() throws Exception {
        start(List.of(hash(carol)));
        Run warm = start(List.of(hash(carol)));
        assertThat(warm.valid().get("alice-bob").contract().getSignaturesCount()).isZero();
        // the same scanner, now told the zone's roots include bob's (a rotation in a running agent)
        assertThat(warm.scanner().zone(List.of(hash(carol), hash(bob)))).isTrue();
        assertThat(warm.scanner().zone(List.of(hash(bob), hash(carol)))).isFalse(); // the same set
        ScanResult again = warm.scanner().scan(tree(), TestZone.NOW);
        assertThat(again).isEqualTo(uncached());
    }

    @Test
    void aSummaryMovedToAnotherBlobOrPathWithoutTheKeyIsIgnored() throws Exception {
        start(List.of(hash(carol)));
        Map<String, CachedVerification> e = entries(state);
        // the attacker puts alice-bob's summary under alice-carol's blob and path (so that carol's own contract
        // would come back without its certificates), but cannot compute the MAC under the agent's key
        CachedVerification moved = e.get("alice-bob").toBuilder().setBlobId(e.get("alice-carol").getBlobId())
                .setPath(e.get("alice-carol").getPath()).build();
        VerificationStoreTest.Cache c = VerificationStoreTest.readWithKey(state);
        List<CachedVerification> swapped = new ArrayList<>();
        for (CachedVerification x : c.entries()) {
            swapped.add(x.getPath().endsWith("alice-carol.yaml") ? moved : x);
        }
        VerificationStoreTest.write(state, VerificationStoreTest.otherKey(), c.with(swapped));
        Run after = start(List.of(hash(carol)));
        assertThat(after.restored()).isZero();
        assertThat(after.result()).isEqualTo(uncached());
    }

    @Test
    void aSummaryIsUsedOnlyForItsBlob() throws Exception {
        start(List.of(hash(carol)));
        // alice-bob.yaml gets other content (alice and carol): the summary of the old blob is a miss
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, carol));
        commit();
        Run after = start(List.of(hash(carol)));
        assertThat(after.restored()).isEqualTo(2);
        assertThat(after.result()).isEqualTo(uncached());
        assertThat(after.valid().get("alice-bob").contract().getBody().getParticipants(1).getCertificate()).isNotEmpty();
    }

    @Test
    void aSummaryInAFileThatNamesNoZoneIsRefused() throws Exception {
        start(List.of(hash(carol)));
        // even under the key: a file whose summaries name no zone is not trusted at all
        VerificationStoreTest.Cache c = VerificationStoreTest.readWithKey(state);
        VerificationStoreTest.write(state, java.nio.file.Files.readAllBytes(state.resolve(VerificationStore.KEY_FILE)),
                new VerificationStoreTest.Cache(c.header().toBuilder().clearZoneRoots().build(), c.entries()));
        Run after = start(List.of(hash(carol)));
        assertThat(after.restored()).isZero();
        assertThat(after.result()).isEqualTo(uncached());
    }

    @Test
    void aStoreWithoutAZoneWritesNoSummary() throws Exception {
        ContractVerifier verifier = new ContractVerifier();
        TreeScanner scanner = new TreeScanner(verifier, VerificationStoreTest.LIMITS,
                VerificationStore.open(state, verifier));
        scanner.scan(tree(), TestZone.NOW);
        scanner.persist();
        assertThat(entries(state).values()).noneMatch(CachedVerification::getSummary);
        assertThat(VerificationStoreTest.readWithKey(state).header().getZoneRootsList()).isEmpty();
    }
}
