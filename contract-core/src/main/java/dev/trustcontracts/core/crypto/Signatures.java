package dev.trustcontracts.core.crypto;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Signing and verification of raw bytes with Bouncy Castle (passed explicitly, never installed
 * globally). Verification speed bounds how fast a large repository is checked, so ECDSA verification
 * goes through BC's lightweight API with each public key's curve point kept across calls: BC caches
 * its precomputation on the point, and a zone's signer key verifies many contracts.
 */
public final class Signatures {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final int MAX_CACHED_KEYS = 10_000;
    private static final Map<ByteBuffer, ECPublicKeyParameters> EC_KEYS = new ConcurrentHashMap<>();

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
            return switch (algorithm) {
                case "SHA256withECDSA" -> verifyEcdsa(new SHA256Digest(), key, data, value);
                case "SHA384withECDSA" -> verifyEcdsa(new SHA384Digest(), key, data, value);
                default -> {
                    Signature s = Signature.getInstance(algorithm, BC);
                    s.initVerify(key);
                    s.update(data);
                    yield s.verify(value);
                }
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean verifyEcdsa(Digest digest, PublicKey key, byte[] data, byte[] value)
            throws InvalidKeyException {
        ECPublicKeyParameters params = ecKey(key);
        digest.update(data, 0, data.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(params.getParameters().getN(), value);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, params);
        return verifier.verifySignature(hash, rs[0], rs[1]);
    }

    private static ECPublicKeyParameters ecKey(PublicKey key) throws InvalidKeyException {
        ByteBuffer id = ByteBuffer.wrap(key.getEncoded());
        ECPublicKeyParameters cached = EC_KEYS.get(id);
        if (cached != null) {
            return cached;
        }
        ECPublicKeyParameters params = (ECPublicKeyParameters) ECUtil.generatePublicKeyParameter(key);
        if (EC_KEYS.size() >= MAX_CACHED_KEYS) {
            EC_KEYS.clear(); // crude bound; a real repository has far fewer signer keys than this
        }
        EC_KEYS.put(id, params);
        return params;
    }
}
