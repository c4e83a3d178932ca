package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.SigningPayloads;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.proto.v1.Signature;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, items 4 and 7 and the lifetime rules, pushed with the C git command line to a real server:
 * a hidden root after a participant's certificate, an upper-case extension that would land but never be
 * revocable, a window beyond the maximum. Each is refused with its rule and main does not move; the API
 * reports a contract's effective expiry.
 */
class StrictContractTextTest {
    @TempDir
    Path tmp;

    /** A clone and the URL with the user's credentials. */
    private record Work(Path dir, String authed) {
        CGit.Run commitAndPush(String message) throws Exception {
            CGit.run(dir, "add", "-A");
            CGit.Run c = CGit.run(dir, "commit", "-qm", message);
            assertThat(c.exit()).as(c.out()).isZero();
            return CGit.run(dir, "push", authed, "HEAD:main");
        }
    }

    private Work clone(Fixture fx) throws Exception {
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work");
        assertThat(clone.exit()).as(clone.out()).isZero();
        return new Work(tmp.resolve("work"), fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                + Fixture.PASSWORD.replace(" ", "%20") + "@"));
    }

    /**
     * Signs the body for each zone as an attacker's own tool would, over the payload as it stands:
     * trustctl's signer no longer reads a certificate field with junk in it, an attacker's code does.
     */
    private static Contract signedAsIs(ContractBody body, TestZone... zones) throws Exception {
        Contract.Builder c = Contract.newBuilder().setBody(body);
        Timestamp at = Timestamp.newBuilder().setSeconds(TestZone.NOW.getEpochSecond()).build();
        String alg = KeyType.EC_P256.signatureAlgorithm();
        for (TestZone z : zones) {
            List<String> chain = List.of(Pem.encode(z.signer));
            byte[] value = Signatures.sign(alg, z.signerKeys.getPrivate(),
                    SigningPayloads.bytes(body, z.name, alg, at, chain));
            c.addSignatures(Signature.newBuilder().setParticipant(z.name).addAllCertificateChain(chain)
                    .setAlgorithm(alg).setValue(ByteString.copyFrom(value)).setSignedAt(at));
        }
        return c.build();
    }

    @Test
    void upperCaseExtensionIsRefusedSoNoContractIsUnrevocable() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git)");
        try (Fixture fx = new Fixture(tmp)) {
            Work w = clone(fx);
            String before = fx.server.index().current().commit();
            // a fully signed, otherwise valid contract under an upper-case extension
            Files.write(w.dir().resolve("contracts/x.YAML"), Fixture.yaml(TestZone.signed("x", ALICE, BOB)));
            CGit.Run push = w.commitAndPush("x.YAML");
            assertThat(push.exit()).as(push.out()).isNotZero();
            assertThat(push.out()).contains("remote: contracts/x.YAML: [unexpected-file]")
                    .contains("[remote rejected] HEAD -> main");
            assertThat(fx.server.index().current().commit()).isEqualTo(before);
            assertThat(fx.server.index().current().contract("x")).isEmpty();

            // the same file in lower case is a contract, and the API can revoke it
            CGit.run(w.dir(), "reset", "-q", "--hard", "HEAD~1");
            Files.write(w.dir().resolve("contracts/x.yaml"), Fixture.yaml(TestZone.signed("x", ALICE, BOB)));
            CGit.Run ok = w.commitAndPush("x.yaml");
            assertThat(ok.exit()).as(ok.out()).isZero();
            Http.Response revoke = Http.send("DELETE", fx.server.httpUrl() + "/api/contracts/x", Fixture.USER,
                    Fixture.PASSWORD);
            assertThat(revoke.status()).as(revoke.body()).isBetween(200, 299);
            assertThat(fx.server.index().current().contract("x")).isEmpty();
        }
    }

    @Test
    void aRootHiddenAfterAParticipantsCertificateIsRefused() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git)");
        try (Fixture fx = new Fixture(tmp)) {
            Work w = clone(fx);
            String before = fx.server.index().current().commit();
            // issue 9, item 4: alice's real root, a malformed line, then carol's root; both zones sign that
            ContractBody draft = TestZone.draft("alice-bob", ALICE, BOB).getBody();
            ContractBody body = draft.toBuilder().setParticipants(0, draft.getParticipants(0).toBuilder()
                    .setCertificate(Pem.encode(ALICE.root) + "-----BEGIN X-----x\n" + Pem.encode(CAROL.root))).build();
            Files.write(w.dir().resolve("contracts/alice-bob.yaml"), Fixture.yaml(signedAsIs(body, ALICE, BOB)));
            CGit.Run push = w.commitAndPush("hidden root");
            assertThat(push.exit()).as(push.out()).isNotZero();
            assertThat(push.out()).contains("remote: contracts/alice-bob.yaml: [certificate] participant alice: "
                    + "certificate: a malformed PEM block follows the CERTIFICATE block");
            assertThat(fx.server.index().current().commit()).isEqualTo(before);
        }
    }

    @Test
    void aWindowBeyondTheMaximumIsRefusedAndTheMaximumIsConfigurable() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git)");
        Contract longOne = ContractDraft.create("alice-bob", List.of(ALICE.zone(), BOB.zone()),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(401));
        longOne = BOB.sign(ALICE.sign(longOne));
        try (Fixture fx = new Fixture(tmp)) {
            Work w = clone(fx);
            Files.write(w.dir().resolve("contracts/alice-bob.yaml"), Fixture.yaml(longOne));
            CGit.Run push = w.commitAndPush("401 days");
            assertThat(push.exit()).as(push.out()).isNotZero();
            assertThat(push.out()).contains("remote: contracts/alice-bob.yaml: [window-too-long] the window ")
                    .contains("spans 401 days; at most 400 days is allowed");
        }
        Path other = tmp.resolve("longer");
        try (Fixture fx = new Fixture(other, RepoServerConfig.builder(other.resolve("data")).ephemeralPorts()
                .maxContractWindow(Duration.ofDays(500)).build())) {
            CGit.Run clone = CGit.run(other, "clone", "-q", fx.server.gitUrl(), "work");
            assertThat(clone.exit()).as(clone.out()).isZero();
            Work w = new Work(other.resolve("work"), fx.server.gitUrl().replace("http://", "http://" + Fixture.USER
                    + ":" + Fixture.PASSWORD.replace(" ", "%20") + "@"));
            Files.write(w.dir().resolve("contracts/alice-bob.yaml"), Fixture.yaml(longOne));
            CGit.Run push = w.commitAndPush("401 days, allowed here");
            assertThat(push.exit()).as(push.out()).isZero();
        }
    }

    @Test
    void theApiReportsTheEffectiveExpiry() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git)");
        // alice signs with a certificate that ends in 20 days, long before not_after
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate shortSigner = CertificateIssuer.issue(ALICE.root, ALICE.rootKeys.getPrivate(),
                new X500Name("CN=short@alice"), k.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(20)), List.of());
        Contract c = BOB.sign(ContractSigner.sign(TestZone.draft("alice-bob", ALICE, BOB), k.getPrivate(),
                List.of(shortSigner, ALICE.root), TestZone.NOW));
        try (Fixture fx = new Fixture(tmp)) {
            Work w = clone(fx);
            Files.write(w.dir().resolve("contracts/alice-bob.yaml"), Fixture.yaml(c));
            CGit.Run push = w.commitAndPush("short signer");
            assertThat(push.exit()).as(push.out()).isZero();
            JsonNode one = Http.get(fx.server.httpUrl() + "/api/contracts").json().get("contracts").get(0);
            assertThat(one.get("effectiveExpiry").asText()).isEqualTo(shortSigner.getNotAfter().toInstant().toString());
            assertThat(one.get("notAfter").asText()).isNotEqualTo(one.get("effectiveExpiry").asText());
        }
    }
}
