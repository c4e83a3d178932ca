package dev.trustcontracts.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: sign a fixed probe with the key and verify it with
 * the certificate's public key, using the one algorithm {@link KeyType} pins to that key. Comparing
 * key encodings would miss a key of another provider; a signature round trip cannot.
 */
public final class KeyMatch {
    private static final byte[] PROBE = "trust-contracts: does this key belong to this certificate?"
            .getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    /** True when {@code key} is the private half of {@code cert}'s public key. */
    public static boolean fits(PrivateKey key, X509Certificate cert) {
        return fits(key, cert.getPublicKey());
    }

    /**
     * True when {@code key} is the private half of {@code publicKey}. False for a public key of a type
     * or size the project refuses, and for a key of another type: nothing here throws.
     */
    public static boolean fits(PrivateKey key, PublicKey publicKey) {
        try {
            String alg = KeyType.of(publicKey).signatureAlgorithm();
            byte[] sig = Signatures.sign(alg, key, PROBE);
            return Signatures.verify(alg, publicKey, PROBE, sig);
        } catch (WeakKeyException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
