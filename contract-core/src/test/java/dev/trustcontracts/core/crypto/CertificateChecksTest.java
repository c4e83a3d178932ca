package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateChecks.CaDefect;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of basicConstraints and key usage a root may carry, and the verdict each gets.
 * The rows pin what the three former copies (ContractVerifier, CaLoader, the agent's root checks)
 * accepted and refused.
 */
class CertificateChecksTest {
    private static final KeyPair KEYS = KeyType.EC_P256.generate();

    /** basicConstraints: null for none. */
    enum Bc { NONE, FALSE, TRUE, TRUE_PATHLEN_0 }

    static Stream<Arguments> table() {
        return Stream.of(
                // basicConstraints, key usage bits (-1: no extension), isCa, maySign, defect
                Arguments.of(Bc.NONE, -1, false, false, Optional.of(CaDefect.NOT_CA)),
                Arguments.of(Bc.NONE, KeyUsage.keyCertSign, false, true, Optional.of(CaDefect.NOT_CA)),
                Arguments.of(Bc.FALSE, KeyUsage.keyCertSign, false, true, Optional.of(CaDefect.NOT_CA)),
                Arguments.of(Bc.FALSE, KeyUsage.digitalSignature, false, false, Optional.of(CaDefect.NOT_CA)),
                Arguments.of(Bc.TRUE, -1, true, false, Optional.of(CaDefect.NO_KEY_CERT_SIGN)),
                Arguments.of(Bc.TRUE, KeyUsage.digitalSignature, true, false, Optional.of(CaDefect.NO_KEY_CERT_SIGN)),
                Arguments.of(Bc.TRUE, KeyUsage.cRLSign, true, false, Optional.of(CaDefect.NO_KEY_CERT_SIGN)),
                Arguments.of(Bc.TRUE, KeyUsage.keyCertSign, true, true, Optional.empty()),
                Arguments.of(Bc.TRUE, KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature,
                        true, true, Optional.empty()),
                Arguments.of(Bc.TRUE_PATHLEN_0, KeyUsage.keyCertSign, true, true, Optional.empty()));
    }

    @ParameterizedTest(name = "bc={0} ku={1}")
    @MethodSource("table")
    void judgesEachCombination(Bc bc, int usage, boolean ca, boolean maySign, Optional<CaDefect> defect)
            throws Exception {
        X509Certificate cert = certificate(bc, usage);
        assertThat(CertificateChecks.isCa(cert)).isEqualTo(ca);
        assertThat(CertificateChecks.maySignCertificates(cert)).isEqualTo(maySign);
        assertThat(CertificateChecks.caDefect(cert)).isEqualTo(defect);
        assertThat(CertificateChecks.isIssuingCa(cert)).isEqualTo(defect.isEmpty());
    }

    static Stream<Arguments> profiles() {
        return Stream.of(
                Arguments.of(CertificateProfile.ROOT_CA, true, Optional.empty()),
                Arguments.of(CertificateProfile.TLS, false, Optional.of(CaDefect.NOT_CA)),
                Arguments.of(CertificateProfile.CONTRACT_SIGNER, false, Optional.of(CaDefect.NOT_CA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void theProjectsOwnProfilesAreJudgedAsIntended(CertificateProfile profile, boolean ca,
            Optional<CaDefect> defect) {
        Instant now = Instant.now();
        X509Certificate root = CertificateIssuer.selfSignedRoot(new X500Name("CN=root,O=z"), KEYS,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
        X509Certificate cert = profile == CertificateProfile.ROOT_CA ? root
                : CertificateIssuer.issue(root, KEYS.getPrivate(), new X500Name("CN=leaf"), KEYS.getPublic(),
                        profile, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), java.util.List.of());
        assertThat(CertificateChecks.isCa(cert)).isEqualTo(ca);
        assertThat(CertificateChecks.caDefect(cert)).isEqualTo(defect);
    }

    private static X509Certificate certificate(Bc bc, int usage) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=probe,O=z");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), name,
                KEYS.getPublic());
        switch (bc) {
            case FALSE -> b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            case TRUE -> b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            case TRUE_PATHLEN_0 -> b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            default -> { }
        }
        if (usage >= 0) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate())));
    }
}
