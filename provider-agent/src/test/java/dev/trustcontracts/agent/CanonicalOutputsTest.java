package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.SigningPayloads;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every certificate file the agent writes is re-encoded from the parsed DER, never copied from a
 * contract, a PKI answer or the disk: certificate text with junk in it can never reach chain.pem, and
 * each output equals the canonical encoding of what was verified.
 */
class CanonicalOutputsTest extends AgentFixture {
    static TestZone bob;
    static TestZone carol;


    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    private Agent agent() throws Exception {
        return new Agent(config().interval(Duration.ofSeconds(1)).build());
    }

    /** The body with bob's certificate field replaced by {@code text}. */
    private ContractBody withBobCertificate(String text) {
        ContractBody body = alice.contractWith("alice-bob", bob).getBody();
        ContractBody.Builder b = body.toBuilder();
        for (int i = 0; i < b.getParticipantsCount(); i++) {
            Participant p = b.getParticipants(i);
            if (p.getName().equals("bob")) {
                b.setParticipants(i, p.toBuilder().setCertificate(text));
            }
        }
        return b.build();
    }

    /**
     * Signs for alice and bob over the body as it stands, as an attacker's own tool would: trustctl's
     * signer refuses to read a certificate field with junk in it.
     */
    private Contract signedAsIs(ContractBody body) throws Exception {
        Contract.Builder c = Contract.newBuilder().setBody(body);
        Timestamp at = Timestamp.newBuilder().setSeconds(body.getNotBefore().getSeconds() + 3600).build();
        c.addSignatures(signature(body, "alice", alice.admin.privateKey(), alice.admin.certificate(), at));
        c.addSignatures(signature(body, "bob", bob.signerKeys.getPrivate(), bob.signer, at));
        return c.build();
    }

    private static Signature signature(ContractBody body, String who, java.security.PrivateKey key,
            X509Certificate signer, Timestamp at) throws Exception {
        String alg = KeyType.of(signer.getPublicKey()).signatureAlgorithm();
        List<String> chain = List.of(Pem.encode(signer));
        byte[] value = Signatures.sign(alg, key, SigningPayloads.bytes(body, who, alg, at, chain));
        return Signature.newBuilder().setParticipant(who).addAllCertificateChain(chain).setAlgorithm(alg)
                .setValue(ByteString.copyFrom(value)).setSignedAt(at).build();
    }

    @Test
    void aCertificateWithJunkNeverReachesChainPem() throws Exception {
        // issue 9, item 4: bob's real root, a malformed line, then carol's root, signed by both zones
        repo.put(signedAsIs(withBobCertificate(Pem.encode(bob.root) + "-----BEGIN X-----x\n" + Pem.encode(carol.root))));
        try (Agent a = agent()) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(a.status().invalidFiles()).isEqualTo(1);
            assertThat(a.status().peers()).isZero();
            String chain = Files.readString(files().chain());
            assertThat(chain).isEqualTo(Pem.encode(alice.root()));
            assertThat(chain).doesNotContain("BEGIN X").doesNotContain(Pem.encode(carol.root).substring(30, 90));
        }
    }

    @Test
    void outputsAreTheCanonicalEncodingWhateverTheTextLooked() throws Exception {
        // valid but not canonical: wrapped at 76 columns, with blank lines and trailing spaces
        String wrapped = "\n-----BEGIN CERTIFICATE-----  \n"
                + Base64.getMimeEncoder().encodeToString(bob.root.getEncoded()).replace("\r\n", "\n")
                + "\n-----END CERTIFICATE-----\n\n";
        Contract c = signedAsIs(withBobCertificate(wrapped));
        repo.put(c);
        try (Agent a = agent()) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(a.status().invalidFiles()).isZero();
            assertThat(Files.readString(files().chain()))
                    .isEqualTo(Pem.encode(alice.root()) + Pem.encode(bob.root))
                    .doesNotContain(wrapped.strip());
            assertThat(Files.readString(files().ca())).isEqualTo(Pem.encode(alice.root()));
            String certPem = Files.readString(files().cert());
            List<X509Certificate> leafChain = Pem.certificateChain(certPem);
            assertThat(certPem).isEqualTo(Pem.encode(leafChain));
            assertThat(Fingerprint.of(leafChain.get(0))).isNotEqualTo(Fingerprint.of(alice.root()));

            // cert.pem and key.pem edited on disk (junk outside the blocks): the next cycle writes them
            // back from what it parsed, not the text it found
            String keyPem = Files.readString(files().key());
            Files.writeString(files().cert(), "Bag Attributes: junk\n" + certPem + "trailing junk\n");
            Files.writeString(files().key(), "comment\n" + keyPem);
            CycleResult again = a.runOnce();
            assertThat(again.ok()).as(again.toString()).isTrue();
            assertThat(again.changed()).contains(OutputLayout.CERT, OutputLayout.KEY);
            assertThat(Files.readString(files().cert())).isEqualTo(certPem);
            assertThat(Files.readString(files().key())).isEqualTo(keyPem);
        }
    }
}
