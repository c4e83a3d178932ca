package dev.trustcontracts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A trust manager built from roots trusts chains to exactly those roots, and nothing else (no system CAs). */
class PemTlsTrustTest {
    private static final Instant NOW = Instant.now();
    private static final Zone A = new Zone("a");
    private static final Zone B = new Zone("b");

    record Zone(X509Certificate root, X509Certificate leaf) {
        Zone(String name) {
            this(KeyType.EC_P256.generate(), name);
        }

        private Zone(KeyPair rootKeys, String name) {
            this(CertificateIssuer.selfSignedRoot(new X500Name("CN=" + name + " root,O=" + name), rootKeys,
                    NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10))), rootKeys);
        }

        private Zone(X509Certificate root, KeyPair rootKeys) {
            this(root, CertificateIssuer.issue(root, rootKeys.getPrivate(), new X500Name("CN=leaf"),
                    KeyType.EC_P256.generate().getPublic(), CertificateProfile.TLS, NOW.minus(Duration.ofDays(1)),
                    NOW.plus(Duration.ofDays(1)), List.of()));
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("a's leaf, anchors a", List.of(A.root()), A, true),
                Arguments.of("a's leaf, anchors a and b", List.of(A.root(), B.root()), A, true),
                Arguments.of("b's leaf, anchors a and b", List.of(A.root(), B.root()), B, true),
                Arguments.of("b's leaf, anchors a", List.of(A.root()), B, false),
                Arguments.of("a's leaf, anchors b", List.of(B.root()), A, false));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("table")
    void trustsChainsToTheGivenRootsOnly(String name, List<X509Certificate> roots, Zone zone, boolean trusted)
            throws Exception {
        X509ExtendedTrustManager tm = PemTls.trustManager(roots);
        assertThat(tm.getAcceptedIssuers()).containsExactlyInAnyOrderElementsOf(roots);
        X509Certificate[] chain = {zone.leaf(), zone.root()};
        if (trusted) {
            tm.checkServerTrusted(chain, "ECDHE_ECDSA");
            tm.checkClientTrusted(chain, "ECDHE_ECDSA");
        } else {
            assertThatThrownBy(() -> tm.checkServerTrusted(chain, "ECDHE_ECDSA"))
                    .isInstanceOf(CertificateException.class);
        }
    }
}
