package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.WeakKeyException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/** Does this key fit this certificate: the one place the agent answers it, for a key read back and for one issued. */
final class KeyMatch {
    private static final byte[] PROBE = "trustctl key check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    /** Whether the private key belongs to the public key: a probe signed with one verifies with the other. */
    static boolean privateKeyFits(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        String alg;
        try {
            alg = KeyType.of(pub).signatureAlgorithm();
        } catch (WeakKeyException e) {
            throw new GeneralSecurityException(e.getMessage());
        }
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(PROBE);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(PROBE);
        return v.verify(sig);
    }

    /** Whether two public keys are the same key (same encoding): a certificate issued for the key asked for. */
    static boolean samePublicKey(PublicKey a, PublicKey b) {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
    }
}
