package dev.trustcontracts.agent.pki;

import dev.trustcontracts.core.net.IpLiteral;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.KeyType;
import java.net.InetAddress;
import java.security.KeyPair;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The certificate request the agent sends its PKI, and the IP-literal test that picks its SAN type. */
class CsrBuilderTest {
    static final KeyPair KEYS = KeyType.EC_P256.generate();

    @ParameterizedTest(name = "{0} is an IP literal: {1}")
    @CsvSource({
        "127.0.0.1,        true",
        "10.0.0.255,       true",
        "255.255.255.255,  true",
        "::1,              true",
        "fe80::1,          true",
        "2001:db8::a:b,    true",
        "::ffff:10.0.0.1,  true",
        "256.0.0.1,        false",
        "1.2.3,            false",
        "01.2.3.4a,        false",
        "localhost,        false",
        "db.alice,         false",
        "alice,            false",
        "cafe,             false",
        "1:2:3:4:5:6:7:8:9, false",
        "::g,              false",
    })
    void ipLiterals(String name, boolean literal) {
        assertThat(IpLiteral.parse(name).isPresent()).isEqualTo(literal);
    }

    @ParameterizedTest(name = "{0}: SAN {1}")
    @CsvSource({
        "alice,     DNS",
        "db.alice,  DNS",
        "localhost, DNS",
        "127.0.0.1, IP",
        "::1,       IP",
    })
    void oneCommonNameOneSanSignedByTheNewKey(String name, String sanType) throws Exception {
        PKCS10CertificationRequest csr = CsrBuilder.build(name, KEYS);

        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(KEYS.getPublic())))
                .isTrue();
        assertThat(new JcaPKCS10CertificationRequest(csr).getPublicKey().getEncoded())
                .isEqualTo(KEYS.getPublic().getEncoded());
        assertThat(csr.getSubject().getRDNs()).hasSize(1);
        assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue()))
                .isEqualTo(name);
        assertThat(csr.getSignatureAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.4.3.2"); // ecdsa-sha256

        var attrs = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
        assertThat(attrs).hasSize(1);
        Extensions ext = Extensions.getInstance(attrs[0].getAttrValues().getObjectAt(0));
        assertThat(ext.getExtensionOIDs()).containsExactly(Extension.subjectAlternativeName);
        assertThat(ext.getExtension(Extension.subjectAlternativeName).isCritical()).isFalse();
        GeneralName[] sans = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName).getNames();
        assertThat(sans).hasSize(1);
        if (sanType.equals("IP")) {
            assertThat(sans[0].getTagNo()).isEqualTo(GeneralName.iPAddress);
            assertThat(((DEROctetString) sans[0].getName()).getOctets())
                    .isEqualTo(InetAddress.getByName(name).getAddress());
        } else {
            assertThat(sans[0].getTagNo()).isEqualTo(GeneralName.dNSName);
            assertThat(sans[0].getName().toString()).isEqualTo(name);
        }
    }
}
