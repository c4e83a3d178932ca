package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.testing.TestZone;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A certificate field is exactly one PEM CERTIFICATE block with only whitespace around it. Each case is
 * text that Bouncy Castle alone would have read as the first certificate while OpenSSL (or a proxy)
 * reads more: refused, with a reason that says what is wrong.
 */
class StrictPemTest {
    static X509Certificate root;
    static X509Certificate other;
    static String pem;

    @BeforeAll
    static void certs() {
        TestZone a = TestZone.create("alice");
        root = a.root;
        other = TestZone.create("carol").root;
        pem = Pem.encode(root);
    }

    @Test
    void oneBlockWithWhitespaceAroundAndInsideIsAccepted() throws Exception {
        assertThat(Pem.certificate(pem)).isEqualTo(root);
        assertThat(Pem.certificate("\n  \r\n" + pem.replace("\n", "\r\n") + "\n\n  \t")).isEqualTo(root);
        // wrapped at another width (76 columns, as some tools write): the same base64 up to whitespace
        String body = Base64.getMimeEncoder().encodeToString(root.getEncoded());
        assertThat(Pem.certificate("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n"))
                .isEqualTo(root);
    }

    @Test
    void theHiddenRootAttackIsRefused() {
        // issue 9, item 4: Bouncy Castle stops at the malformed line, OpenSSL reads on to the third root
        String attack = pem + "-----BEGIN X-----x\n" + Pem.encode(other);
        assertThatThrownBy(() -> Pem.certificate(attack)).isInstanceOf(PemException.class)
                .hasMessageContaining("malformed PEM block follows the CERTIFICATE block");
    }

    @Test
    void aSecondBlockIsRefused() {
        assertThatThrownBy(() -> Pem.certificate(pem + Pem.encode(other)))
                .hasMessage("2 PEM blocks where exactly one CERTIFICATE block belongs");
    }

    @Test
    void textBeforeOrAfterTheBlockIsRefused() {
        assertThatThrownBy(() -> Pem.certificate("subject=CN=alice\n" + pem))
                .hasMessageContaining("text before the PEM block");
        assertThatThrownBy(() -> Pem.certificate(pem + "trailing words\n"))
                .hasMessageContaining("text after the CERTIFICATE block");
        assertThatThrownBy(() -> Pem.certificate(pem.replace("-----END CERTIFICATE-----", "-----END CERTIFICATE-----x")))
                .hasMessageContaining("text after the CERTIFICATE block");
    }

    @Test
    void junkOnTheMarkerLinesOrInsideIsRefused() {
        assertThatThrownBy(() -> Pem.certificate(pem.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----x")))
                .isInstanceOf(PemException.class);
        assertThatThrownBy(() -> Pem.certificate(pem.replace("-----END CERTIFICATE-----", "x-----END CERTIFICATE-----")))
                .isInstanceOf(PemException.class);
    }

    @Test
    void anotherLabelOrHeadersAreRefused() {
        String trusted = pem.replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----");
        assertThatThrownBy(() -> Pem.certificate(trusted))
                .hasMessage("a TRUSTED CERTIFICATE block where a CERTIFICATE block belongs");
        String headers = pem.replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nComment: hi\n\n");
        assertThatThrownBy(() -> Pem.certificate(headers)).hasMessage("PEM headers in a CERTIFICATE block");
    }

    @Test
    void bytesAfterTheCertificatesDerAreRefused() throws Exception {
        byte[] der = root.getEncoded();
        byte[] longer = java.util.Arrays.copyOf(der, der.length + 2);
        String text = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(longer)
                + "\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> Pem.certificate(text)).isInstanceOf(PemException.class);
    }

    @Test
    void aChainIsBlocksWithOnlyWhitespaceBetween() {
        assertThat(Pem.certificateChain(pem + "\n" + Pem.encode(other))).containsExactly(root, other);
        assertThatThrownBy(() -> Pem.certificateChain(pem + "between\n" + Pem.encode(other)))
                .isInstanceOf(PemException.class).hasMessageContaining("between PEM blocks");
        assertThatThrownBy(() -> Pem.certificateChain(pem + "-----BEGIN X-----x\n" + Pem.encode(other)))
                .isInstanceOf(PemException.class);
    }

    @Test
    void aCsrIsOneBlockToo() throws Exception {
        KeyPair k = KeyType.EC_P256.generate();
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), k.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate()));
        String text = Pem.encode(csr);
        assertThat(Pem.csr(text).getEncoded()).isEqualTo(csr.getEncoded());
        assertThat(Pem.csr(text.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")).getEncoded())
                .isEqualTo(csr.getEncoded());
        assertThatThrownBy(() -> Pem.csr(text + "junk")).isInstanceOf(PemException.class);
        assertThatThrownBy(() -> Pem.csr(text + text)).isInstanceOf(PemException.class);
        assertThatThrownBy(() -> Pem.csr(pem)).hasMessageContaining("a CERTIFICATE block where a");
    }
}
