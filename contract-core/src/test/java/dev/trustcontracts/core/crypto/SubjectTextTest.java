package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

/** Subjects of real certificates, written by Bouncy Castle and read back from their DER. */
class SubjectTextTest {
    private static final Instant NOW = Instant.parse("2026-11-28T00:00:00Z");

    static X509Certificate root(X500Name subject, KeyType type) {
        KeyPair keys = type.generate();
        return CertificateIssuer.selfSignedRoot(subject, keys, NOW, NOW.plus(Duration.ofDays(30)));
    }

    @Test
    void serialNumberIsNamedNotAnOidWithHex() {
        // what `pki init` writes: a zone root with a serial-number attribute
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "alice")
                .addRDN(BCStyle.SERIALNUMBER, "4f1c9a")
                .addRDN(BCStyle.CN, "alice root").build();
        X509Certificate c = root(name, KeyType.EC_P256);
        // Java's own rendering is the unreadable one this class replaces
        assertThat(c.getSubjectX500Principal().getName()).contains("2.5.4.5=#13");
        assertThat(SubjectText.subject(c)).isEqualTo("CN=alice root,SERIALNUMBER=4f1c9a,O=alice");
        assertThat(SubjectText.issuer(c)).isEqualTo(SubjectText.subject(c));
    }

    @Test
    void nonAsciiTextIsShownAsItIs() {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "DE")
                .addRDN(BCStyle.O, "Bäckerei Müller")
                .addRDN(BCStyle.CN, "Zoë 東京 root").build();
        assertThat(SubjectText.subject(root(name, KeyType.EC_P256)))
                .isEqualTo("CN=Zoë 東京 root,O=Bäckerei Müller,C=DE");
    }

    @Test
    void unknownAttributesKeepTheirOidWithAReadableValue() {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.7"), "team-blue")
                .addRDN(BCStyle.CN, "x").build();
        assertThat(SubjectText.subject(root(name, KeyType.EC_P256))).isEqualTo("CN=x,1.3.6.1.4.1.55555.7=team-blue");
    }

    @Test
    void specialCharactersAreEscapedSoOneValueCannotPassForTwoAttributes() {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "evil,O=trusted").build();
        assertThat(SubjectText.subject(root(name, KeyType.EC_P256))).isEqualTo("CN=evil\\,O\\=trusted");
    }

    @Test
    void theOrderIsRfc2253AsBefore() {
        X509Certificate c = root(new X500Name("CN=alice test root,O=alice"), KeyType.EC_P256);
        assertThat(SubjectText.subject(c)).isEqualTo(c.getSubjectX500Principal().getName()).isEqualTo("O=alice,CN=alice test root");
    }

    @Test
    void keysAreNamedWithTheirCurveOrSize() {
        X500Name n = new X500Name("CN=k");
        for (var t : List.of(
                new Object[] {KeyType.EC_P256, "EC P-256"},
                new Object[] {KeyType.EC_P384, "EC P-384"},
                new Object[] {KeyType.RSA, "RSA 3072"},
                new Object[] {KeyType.ED25519, "Ed25519"})) {
            X509Certificate c = root(n, (KeyType) t[0]);
            assertThat(KeyDescription.of(c)).as(t[0].toString()).isEqualTo(t[1]);
        }
    }

    @Test
    void aCurveTheProjectRefusesIsStillNamed() throws Exception {
        var g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp521r1"));
        assertThat(KeyDescription.of(g.generateKeyPair().getPublic())).isEqualTo("EC P-521");
    }
}
