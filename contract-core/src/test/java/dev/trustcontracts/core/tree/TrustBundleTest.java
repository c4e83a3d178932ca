package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.testing.TestZone;
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
}
