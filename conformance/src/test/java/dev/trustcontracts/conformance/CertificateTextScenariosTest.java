package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Smuggled certificates (issue 9, item 4; DESIGN threat "smuggled certificates"): text around or after
 * the one PEM block of a participant's certificate field. Both admins sign what they were shown; the
 * hidden root is carol's, and no one ever verified it.
 */
class CertificateTextScenariosTest extends ConformanceScenario {

    /** A contract alice-and-bob whose bob certificate field is rewritten, then signed by both admins. */
    private static Contract withBobCertificate(UnaryOperator<String> rewrite) {
        Contract c = ContractDraft.create("alice-and-bob", List.of(cast.alice.zone(), cast.bob.zone()),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
        Contract.Builder b = c.toBuilder();
        var bob = b.getBodyBuilder().getParticipantsBuilder(1);
        assertThat(bob.getName()).isEqualTo("bob");
        bob.setCertificate(rewrite.apply(bob.getCertificate()));
        return RawSigner.sign(RawSigner.sign(b.build(), cast.alice), cast.bob);
    }

    private void assertRefusedEverywhere(Contract smuggler) throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        mallory.contract(smuggler).commit("alice-and-bob");
        assertRefused(mallory.push("HEAD:refs/heads/main"), "contracts/alice-and-bob.yaml");
        assertThat(serverMain()).isEqualTo(main);
        assertThat(stage.api.contracts()).doesNotContainKey("alice-and-bob");
        hostileHostWithAliceAgent();
        mallory.pushTo(hostile.pushPath(), "HEAD:refs/heads/main");
        assertNotTrusted(cast.carol, viaHost, aliceAgent);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T4 hidden root appended after a certificate block")
    void hiddenRootAfterAMalformedLine() throws Exception {
        assertRefusedEverywhere(withBobCertificate(pem -> pem + "-----BEGIN X-----x\n" + Pem.encode(cast.carol.root)));
    }

    @Test
    @DisplayName("Smuggled certificate: a second CERTIFICATE block in a participant's field")
    void secondCertificateBlock() throws Exception {
        assertRefusedEverywhere(withBobCertificate(pem -> pem + Pem.encode(cast.carol.root)));
    }

    @Test
    @DisplayName("Smuggled certificate: text before the block")
    void textBeforeTheBlock() throws Exception {
        assertRefusedEverywhere(withBobCertificate(pem -> "bob's root, as agreed:\n" + pem));
    }
}
