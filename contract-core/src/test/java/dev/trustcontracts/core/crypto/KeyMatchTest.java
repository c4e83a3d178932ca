package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every key type against its own certificate, another key of the same type and a key of every other type. */
class KeyMatchTest {
    private static final Map<KeyType, KeyPair> KEYS = new EnumMap<>(KeyType.class);
    private static final Map<KeyType, KeyPair> OTHER = new EnumMap<>(KeyType.class);

    static {
        for (KeyType t : KeyType.values()) {
            KEYS.put(t, t.generate());
            OTHER.put(t, t.generate());
        }
    }

    static Stream<Arguments> pairs() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (KeyType cert : KeyType.values()) {
            for (KeyType key : KeyType.values()) {
                rows.add(Arguments.of(cert, key, "own", cert == key));
                rows.add(Arguments.of(cert, key, "other", false));
            }
        }
        return rows.build();
    }

    @ParameterizedTest(name = "{0} certificate, {2} {1} key -> {3}")
    @MethodSource("pairs")
    void onlyTheCertificatesOwnKeyFits(KeyType certType, KeyType keyType, String which, boolean fits) {
        X509Certificate cert = root(KEYS.get(certType));
        KeyPair key = which.equals("own") ? KEYS.get(keyType) : OTHER.get(keyType);
        assertThat(KeyMatch.fits(key.getPrivate(), cert)).isEqualTo(fits);
        assertThat(KeyMatch.fits(key.getPrivate(), cert.getPublicKey())).isEqualTo(fits);
    }

    @org.junit.jupiter.api.Test
    void aRefusedPublicKeyFitsNothingAndThrowsNothing() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024); // below KeyType.MIN_RSA_BITS
        KeyPair weak = g.generateKeyPair();
        assertThat(KeyMatch.fits(weak.getPrivate(), weak.getPublic())).isFalse();
    }

    private static X509Certificate root(KeyPair keys) {
        Instant now = Instant.now();
        return CertificateIssuer.selfSignedRoot(new X500Name("CN=root,O=z"), keys, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(1)));
    }
}
