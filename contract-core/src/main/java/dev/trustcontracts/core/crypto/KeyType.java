package dev.trustcontracts.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Locale;

/**
 * The key types the project accepts anywhere (roots, signers, TLS leaves) and the one signature
 * algorithm each is used with. Pinning the algorithm to the key stops algorithm-confusion tricks.
 */
public enum KeyType {
    EC_P256("ec-p256", "SHA256withECDSA"),
    EC_P384("ec-p384", "SHA384withECDSA"),
    RSA("rsa", "SHA256withRSA"),
    ED25519("ed25519", "Ed25519");

    /** The smallest RSA modulus accepted. */
    public static final int MIN_RSA_BITS = 2048;

    private final String id;
    private final String signatureAlgorithm;

    KeyType(String id, String signatureAlgorithm) {
        this.id = id;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** Short name used on the command line: ec-p256, ec-p384, rsa, ed25519. */
    public String id() {
        return id;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Parses a command-line key type name. */
    public static KeyType fromId(String id) {
        for (KeyType t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown key type '" + id + "' (use ec-p256, ec-p384, rsa or ed25519)");
    }

    /** A new key pair of this type; RSA keys are 3072 bits. */
    public KeyPair generate() {
        try {
            KeyPairGenerator g;
            switch (this) {
                case EC_P256 -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                }
                case EC_P384 -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp384r1"));
                }
                case RSA -> {
                    g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4));
                }
                case ED25519 -> g = KeyPairGenerator.getInstance("Ed25519");
                default -> throw new AssertionError(this);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + id + " keys", e);
        }
    }

    /**
     * Classifies a public key, refusing what is too weak or not on the list.
     *
     * @throws WeakKeyException naming what the key is and what is required
     */
    public static KeyType of(PublicKey key) throws WeakKeyException {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new WeakKeyException("RSA key of " + bits + " bits (at least " + MIN_RSA_BITS + " required)");
            }
            return RSA;
        }
        if (key instanceof ECPublicKey ec) {
            ECParameterSpec params = ec.getParams();
            if (Curves.P256.matches(params)) {
                return EC_P256;
            }
            if (Curves.P384.matches(params)) {
                return EC_P384;
            }
            throw new WeakKeyException("EC key on an unsupported curve of "
                    + params.getCurve().getField().getFieldSize() + " bits (P-256 or P-384 required)");
        }
        if (key instanceof EdECPublicKey ed) {
            if ("Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
                return ED25519;
            }
            throw new WeakKeyException("EdDSA key " + ed.getParams().getName() + " (only Ed25519 is accepted)");
        }
        throw new WeakKeyException("unsupported key algorithm " + key.getAlgorithm()
                + " (EC P-256/P-384, RSA >= 2048 or Ed25519 required)");
    }

    /** The reference curves, compared by value: ECParameterSpec has no equals. */
    private enum Curves {
        P256("secp256r1"), P384("secp384r1");

        private final ECParameterSpec spec;

        Curves(String name) {
            try {
                java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
                p.init(new ECGenParameterSpec(name));
                spec = p.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        boolean matches(ECParameterSpec other) {
            return spec.getCurve().equals(other.getCurve())
                    && spec.getGenerator().equals(other.getGenerator())
                    && spec.getOrder().equals(other.getOrder())
                    && spec.getCofactor() == other.getCofactor();
        }
    }
}
