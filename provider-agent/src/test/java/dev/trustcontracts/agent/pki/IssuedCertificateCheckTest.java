package dev.trustcontracts.agent.pki;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.core.crypto.KeyMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the agent demands of a SignCSR answer before it serves the certificate, each row an answer a broken or
 * hostile PKI could give; and the key check that refuses a key.pem not belonging to cert.pem.
 */
class IssuedCertificateCheckTest {
    static final TestZone ALICE = TestZone.create("alice");
    static final TestZone MALLORY = TestZone.create("mallory");
    static final KeyPair ASKED = KeyType.EC_P256.generate();
    static final KeyPair OTHER = KeyType.EC_P256.generate();
    static final Instant NOW = TestZone.NOW;

    static X509Certificate leaf(TestZone under, KeyPair keys, Instant notAfter) {
        return CertificateIssuer.issue(under.root, under.rootKeys.getPrivate(), new X500Name("CN=web.alice"),
                keys.getPublic(), CertificateProfile.TLS, NOW.minus(Duration.ofDays(1)), notAfter, List.of());
    }

    static SignCSRResponse answer(String what) {
        X509Certificate good = leaf(ALICE, ASKED, NOW.plus(Duration.ofDays(30)));
        return switch (what) {
            case "leaf" -> SignCSRResponse.newBuilder().setCertificate(Pem.encode(good)).build();
            case "leaf-and-root" -> SignCSRResponse.newBuilder().setCertificate(Pem.encode(good))
                    .setChain(Pem.encode(List.of(good, ALICE.root))).build();
            case "other-key" -> SignCSRResponse.newBuilder()
                    .setCertificate(Pem.encode(leaf(ALICE, OTHER, NOW.plus(Duration.ofDays(30))))).build();
            case "other-root" -> SignCSRResponse.newBuilder()
                    .setCertificate(Pem.encode(leaf(MALLORY, ASKED, NOW.plus(Duration.ofDays(30))))).build();
            case "expired" -> SignCSRResponse.newBuilder()
                    .setCertificate(Pem.encode(leaf(ALICE, ASKED, NOW.minus(Duration.ofHours(1))))).build();
            case "root-only" -> SignCSRResponse.newBuilder().setCertificate(Pem.encode(ALICE.root)).build();
            case "junk" -> SignCSRResponse.newBuilder().setCertificate("junk").build();
            case "chain-with-junk" -> SignCSRResponse.newBuilder().setCertificate(Pem.encode(good))
                    .setChain(Pem.encode(List.of(good, ALICE.root)) + "junk\n").build();
            default -> throw new IllegalArgumentException(what);
        };
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        "leaf            | -",
        "leaf-and-root   | -",
        "other-key       | the PKI issued a certificate for another key",
        "other-root      | the certificate the PKI issued does not chain to the zone root: ",
        "root-only       | the certificate the PKI issued does not chain to the zone root: no certificate below the root",
        "expired         | the PKI issued a certificate that already expired at ",
        "junk            | the PKI answered SignCSR with unreadable PEM: ",
        "chain-with-junk | the PKI answered SignCSR with unreadable PEM: ",
    })
    void signCsrAnswers(String what, String refusal) throws Exception {
        if (refusal == null) {
            List<X509Certificate> chain = IssuedCertificateCheck.check(answer(what), ASKED.getPublic(), ALICE.root, NOW);
            assertThat(chain).hasSize(2);
            assertThat(chain.get(0).getPublicKey()).isEqualTo(ASKED.getPublic());
            assertThat(chain.get(1)).isEqualTo(ALICE.root);
        } else {
            assertThatThrownBy(() -> IssuedCertificateCheck.check(answer(what), ASKED.getPublic(), ALICE.root, NOW))
                    .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.PKI))
                    .hasMessageStartingWith(refusal);
        }
    }

    @Test
    void aKeyFitsOnlyItsOwnCertificate() throws Exception {
        X509Certificate c = leaf(ALICE, ASKED, NOW.plus(Duration.ofDays(30)));
        assertThat(KeyMatch.fits(ASKED.getPrivate(), c.getPublicKey())).isTrue();
        assertThat(KeyMatch.fits(OTHER.getPrivate(), c.getPublicKey())).isFalse();
        KeyPair p384 = KeyType.EC_P384.generate();
        assertThat(KeyMatch.fits(p384.getPrivate(), p384.getPublic())).isTrue();
        assertThat(IssuedCertificateCheck.samePublicKey(c.getPublicKey(), ASKED.getPublic())).isTrue();
        assertThat(IssuedCertificateCheck.samePublicKey(c.getPublicKey(), OTHER.getPublic())).isFalse();
    }
}
