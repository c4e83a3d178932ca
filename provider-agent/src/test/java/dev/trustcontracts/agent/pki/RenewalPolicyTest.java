package dev.trustcontracts.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.testing.TestZone;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the agent's certificate is due: a 30-day leaf judged at instants around its expiry and two thirds. */
class RenewalPolicyTest {
    static final TestZone ZONE = TestZone.create("alice");
    static final Instant NOT_BEFORE = TestZone.NOW.minus(Duration.ofDays(1));
    static final ZoneMaterial.Leaf LEAF = leaf("CN=web.alice,O=alice", NOT_BEFORE, NOT_BEFORE.plus(Duration.ofDays(30)));

    static ZoneMaterial.Leaf leaf(String subject, Instant notBefore, Instant notAfter) {
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate c = CertificateIssuer.issue(ZONE.root, ZONE.rootKeys.getPrivate(), new X500Name(subject),
                k.getPublic(), CertificateProfile.TLS, notBefore, notAfter, List.of());
        return new ZoneMaterial.Leaf("cert", "key", k.getPrivate(), List.of(c, ZONE.root));
    }

    @ParameterizedTest(name = "at +{0}, name {1}: {2}")
    @CsvSource(nullValues = "null", value = {
        // offset from notBefore | name asked for | reason begins with (null: good)
        "PT0S,        null,      null",
        "P1D,         web.alice, null",
        "P19DT23H59M, web.alice, null",
        "P20D,        web.alice, two thirds of its lifetime passed at",
        "P29D,        null,      two thirds of its lifetime passed at",
        "P30D,        web.alice, two thirds of its lifetime passed at",
        "P30DT1S,     web.alice, the certificate expired at",
        "P400D,       null,      the certificate expired at",
        "P1D,         db.alice,  'its name is web.alice, not db.alice'",
        "P1D,         WEB.alice, 'its name is web.alice, not WEB.alice'",
    })
    void reasonToRenew(Duration at, String name, String expected) {
        String reason = RenewalPolicy.reason(LEAF, name, NOT_BEFORE.plus(at), null);
        if (expected == null) {
            assertThat(reason).isNull();
        } else {
            assertThat(reason).startsWith(expected);
        }
    }

    @Test
    void theInstantsNamedAreTheCertificatesOwn() {
        assertThat(RenewalPolicy.reason(LEAF, null, NOT_BEFORE.plus(Duration.ofDays(20)), null))
                .isEqualTo("two thirds of its lifetime passed at " + NOT_BEFORE.plus(Duration.ofDays(20)));
        assertThat(RenewalPolicy.reason(LEAF, null, NOT_BEFORE.plus(Duration.ofDays(31)), null))
                .isEqualTo("the certificate expired at " + NOT_BEFORE.plus(Duration.ofDays(30)));
    }

    @Test
    void aCertificateWithoutCommonNameHasTheEmptyName() {
        ZoneMaterial.Leaf noCn = leaf("O=alice", NOT_BEFORE, NOT_BEFORE.plus(Duration.ofDays(30)));
        assertThat(RenewalPolicy.commonName(noCn.certificate())).isEmpty();
        assertThat(RenewalPolicy.reason(noCn, "web.alice", NOT_BEFORE, null)).isEqualTo("its name is , not web.alice");
        assertThat(RenewalPolicy.commonName(LEAF.certificate())).isEqualTo("web.alice");
    }

    /**
     * After {@code pki rotate switch}: a young certificate of the old root is due at once, one of the issuing root is
     * not; with the issuing root unknown (no GetCA answer yet) nothing changes. Expiry and two thirds still come first.
     */
    @Test
    void aCertificateOfARootThatNoLongerIssuesIsDue() {
        String own = dev.trustcontracts.core.crypto.Fingerprint.of(ZONE.root);
        String other = "ab".repeat(32);
        assertThat(RenewalPolicy.reason(LEAF, null, NOT_BEFORE.plus(Duration.ofDays(1)), own)).isNull();
        assertThat(RenewalPolicy.reason(LEAF, null, NOT_BEFORE.plus(Duration.ofDays(1)), null)).isNull();
        assertThat(RenewalPolicy.reason(LEAF, "web.alice", NOT_BEFORE.plus(Duration.ofDays(1)), other)).isEqualTo(
                "it chains to the root sha256:" + own + ", and the PKI issues from sha256:" + other
                        + " now (pki rotate switch)");
        assertThat(RenewalPolicy.reason(LEAF, null, NOT_BEFORE.plus(Duration.ofDays(31)), other))
                .startsWith("the certificate expired at");
    }
}
