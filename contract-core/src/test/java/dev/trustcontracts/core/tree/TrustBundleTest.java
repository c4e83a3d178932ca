package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.testing.TestZone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustBundleTest {
    static VerifiedContract verified(String name, TestZone... zones) {
        return new VerifiedContract("contracts/" + name + ".yaml", TestZone.draft(name, zones), Instant.MAX);
    }

    @Test
    void peersAreTheOtherParticipantsOfContractsThatNameTheZone() {
        TestZone a = TestZone.create("alice");
        TestZone b = TestZone.create("bob");
        TestZone c = TestZone.create("carol");
        TestZone d = TestZone.create("dave");
        List<VerifiedContract> contracts = new ArrayList<>(List.of(
                verified("alice-bob", a, b), verified("alice-bob-carol", a, b, c), verified("carol-dave", c, d)));
        TrustBundle bundle = TrustBundle.derive(Fingerprint.of(a.root), contracts);
        assertThat(bundle.peers()).extracting(PeerRoot::name).containsExactlyInAnyOrder("bob", "carol");
        assertThat(bundle.peers()).extracting(PeerRoot::hash).isSorted();
        PeerRoot bob = bundle.peers().stream().filter(p -> p.name().equals("bob")).findFirst().orElseThrow();
        assertThat(bob.contracts()).containsExactly("alice-bob", "alice-bob-carol");

        Collections.reverse(contracts);
        String ownPem = Pem.encode(a.root);
        assertThat(TrustBundle.derive(Fingerprint.of(a.root), contracts).chainPem(ownPem))
                .isEqualTo(bundle.chainPem(ownPem))
                .startsWith(ownPem);
        assertThat(Pem.certificates(bundle.chainPem(ownPem))).hasSize(3);
    }

    @Test
    void aZoneInNoContractHasNoPeers() {
        TestZone a = TestZone.create("alice");
        TestZone b = TestZone.create("bob");
        TestZone e = TestZone.create("eve");
        assertThat(TrustBundle.derive(Fingerprint.of(e.root), List.of(verified("alice-bob", a, b))).peers()).isEmpty();
    }

    static VerifiedContract verified(String name, List<ContractDraft.Zone> zones) {
        return new VerifiedContract("contracts/" + name + ".yaml",
                ContractDraft.create(name, zones, TestZone.NOW, Duration.ofDays(30)), Instant.MAX);
    }

    @Test
    void everyListedRootOfEveryPeerIsInTheBundleAndBothOwnRootsAreKnown() {
        TestZone a = TestZone.create("alice");
        TestZone aNext = TestZone.create("alice");
        TestZone b = TestZone.create("bob");
        TestZone bNext = TestZone.create("bob");
        TestZone c = TestZone.create("carol");
        List<VerifiedContract> contracts = List.of(
                verified("alice-bob", List.of(new ContractDraft.Zone("alice", a.root, "", aNext.root),
                        new ContractDraft.Zone("bob", b.root, "bob.example", bNext.root))),
                verified("alice-carol", List.of(a.zone(), c.zone())));
        String aHash = Fingerprint.of(a.root);
        String aNextHash = Fingerprint.of(aNext.root);

        TrustBundle fromCurrent = TrustBundle.derive(aHash, contracts);
        assertThat(fromCurrent.peers()).extracting(PeerRoot::hash).isSorted().containsExactlyInAnyOrder(
                Fingerprint.of(b.root), Fingerprint.of(bNext.root), Fingerprint.of(c.root));
        assertThat(fromCurrent.peers()).filteredOn(p -> p.name().equals("bob"))
                .allSatisfy(p -> assertThat(p.trustDomain()).isEqualTo("bob.example"))
                .allSatisfy(p -> assertThat(p.contracts()).containsExactly("alice-bob"));
        assertThat(fromCurrent.ownRoots()).extracting(PeerRoot::hash).containsExactly(aNextHash);
        assertThat(fromCurrent.roots()).hasSize(4).first().extracting(PeerRoot::hash).isEqualTo(aNextHash);
        String pem = fromCurrent.chainPem(Pem.encode(a.root));
        assertThat(Pem.certificates(pem)).extracting(Fingerprint::of).containsExactlyInAnyOrder(aHash, aNextHash,
                Fingerprint.of(b.root), Fingerprint.of(bNext.root), Fingerprint.of(c.root));

        // an agent whose zone already issues from its next root finds the same contracts through it, and
        // its current root among its own (carol's contract names only the current root: not in it)
        TrustBundle fromNext = TrustBundle.derive(aNextHash, contracts);
        assertThat(fromNext.ownRoots()).extracting(PeerRoot::hash).containsExactly(aHash);
        assertThat(fromNext.peers()).extracting(PeerRoot::hash).containsExactlyInAnyOrder(
                Fingerprint.of(b.root), Fingerprint.of(bNext.root));

        // bob's next root finds alice's both roots
        assertThat(TrustBundle.derive(Fingerprint.of(bNext.root), contracts).peers()).extracting(PeerRoot::hash)
                .containsExactlyInAnyOrder(aHash, aNextHash);
    }

    @Test
    void withoutNextRootsTheBundleIsAsBefore() {
        TestZone a = TestZone.create("alice");
        TestZone b = TestZone.create("bob");
        TrustBundle bundle = TrustBundle.derive(Fingerprint.of(a.root), List.of(verified("alice-bob", a, b)));
        assertThat(bundle.ownRoots()).isEmpty();
        assertThat(bundle.roots()).isEqualTo(bundle.peers());
        assertThat(bundle).isEqualTo(new TrustBundle(Fingerprint.of(a.root), bundle.peers()));
    }
}
