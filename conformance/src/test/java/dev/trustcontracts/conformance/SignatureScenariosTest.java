package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forged, unsigned and mix-and-match contracts (DESIGN threats "forged or unsigned contract" and
 * "mix-and-match"): a pusher tries to make alice trust carol without alice's admin signing for it.
 */
class SignatureScenariosTest extends ConformanceScenario {

    private void assertRefusedEverywhere(Contract forged, String rule) throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        mallory.contract(forged).commit("alice-carol");
        assertRefused(mallory.push("HEAD:refs/heads/main"), "contracts/alice-carol.yaml", rule);
        assertThat(serverMain()).isEqualTo(main);
        assertThat(stage.api.contracts()).doesNotContainKey("alice-carol");
        // as a proposal: refused outright (a bad signature), or taken (a missing one) and never merged
        var proposal = mallory.push("HEAD:refs/heads/propose-alice-carol");
        if (proposal.exit() == 0) {
            Api.Response merge = stage.api.post("/api/proposals/propose-alice-carol/merge");
            assertThat(merge.status()).as(merge.body()).isEqualTo(422);
            assertThat(merge.body()).contains("contracts/alice-carol.yaml", rule);
        } else {
            assertRefused(proposal, "contracts/alice-carol.yaml", rule);
        }
        // a host that checks nothing serves it as main: the agents verify for themselves
        hostileHostWithAliceAgent();
        mallory.pushTo(hostile.pushPath(), "HEAD:refs/heads/main");
        assertNotTrusted(cast.carol, viaHost, aliceAgent);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    private static Contract draftAliceCarol() {
        return ContractDraft.create("alice-carol", List.of(cast.alice.zone(), cast.carol.zone()),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
    }

    @Test
    @DisplayName("Forged/unsigned: a contract alice never signed")
    void unsignedByAParticipant() throws Exception {
        assertRefusedEverywhere(cast.carol.sign(draftAliceCarol()), "signature-missing");
    }

    @Test
    @DisplayName("Forged: a signature for alice made with carol's key")
    void signatureForAnotherParticipant() throws Exception {
        Contract c = cast.carol.sign(draftAliceCarol());
        Signature carols = c.getSignatures(0);
        // the same signature, relabelled as alice's
        Contract forged = c.toBuilder().addSignatures(carols.toBuilder().setParticipant("alice")).build();
        assertRefusedEverywhere(forged, "signature-invalid");
    }

    @Test
    @DisplayName("Mix-and-match: alice's signature copied from alice-bob into alice-carol")
    void signatureCopiedFromAnotherContract() throws Exception {
        Signature alices = victim.getSignaturesList().stream().filter(s -> s.getParticipant().equals("alice"))
                .findFirst().orElseThrow();
        Contract mixed = cast.carol.sign(draftAliceCarol()).toBuilder().addSignatures(alices).build();
        assertRefusedEverywhere(mixed, "signature-invalid");
    }

    /** A root carol holds beside her own (a zone's second root), to list as someone's current or next root. */
    private static final dev.trustcontracts.testing.TestZone CAROLS_SECOND = dev.trustcontracts.testing.TestZone
            .create("carol2");

    private static Contract signedAsAlice(Contract draft) throws Exception {
        return cast.carol.sign(dev.trustcontracts.core.contract.ContractSigner.sign(draft,
                CAROLS_SECOND.signerKeys.getPrivate(), CAROLS_SECOND.chain(), Instant.now()));
    }

    @Test
    @DisplayName("Forged next root: alice's root with carol's as its next root, signed with carol's alone")
    void nextRootClaimsTheCurrentRoot() throws Exception {
        Contract draft = ContractDraft.create("alice-carol", List.of(
                new ContractDraft.Zone("alice", cast.alice.root(), "", CAROLS_SECOND.root), cast.carol.zone()),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
        assertRefusedEverywhere(signedAsAlice(draft), "signature-missing");
    }

    @Test
    @DisplayName("Forged next root: alice's root as the next root of a zone carol holds, signed with carol's alone")
    void currentRootClaimsTheNextRoot() throws Exception {
        Contract draft = ContractDraft.create("alice-carol", List.of(
                new ContractDraft.Zone("alice", CAROLS_SECOND.root, "", cast.alice.root()), cast.carol.zone()),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
        assertRefusedEverywhere(signedAsAlice(draft), "signature-missing");
    }
}
