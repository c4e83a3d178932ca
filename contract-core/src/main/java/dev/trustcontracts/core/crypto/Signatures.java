package dev.trustcontracts.core.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Signing and verification of raw bytes. Bouncy Castle's provider does the work (passed explicitly,
 * never installed globally): its ECDSA verification is several times faster than the JDK 17 one, and
 * verification speed bounds how fast a large repository can be checked.
 */
public final class Signatures {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private Signatures() {
    }

    public static byte[] sign(String algorithm, PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm, BC);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    /** Whether {@code value} is a valid signature; a malformed value is simply not valid. */
    public static boolean verify(String algorithm, PublicKey key, byte[] data, byte[] value) {
        try {
            Signature s = Signature.getInstance(algorithm, BC);
            s.initVerify(key);
            s.update(data);
            return s.verify(value);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
