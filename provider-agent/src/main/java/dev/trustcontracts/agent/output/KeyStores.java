package dev.trustcontracts.agent.output;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The PKCS#12 files for JVM consumers: a keystore with the zone certificate, its chain up to the root and
 * the key (alias {@value #KEY_ALIAS}), and a truststore with the chain.pem roots as trusted entries. The
 * JDK writes PKCS#12 with a fresh salt every time, so the bytes differ on every write: whether a file is
 * current is decided by a digest of its inputs, never by comparing bytes.
 */
public final class KeyStores {
    public static final String KEY_ALIAS = "trustctl";

    private KeyStores() {
    }

    /** @param chain the leaf first, then its issuers up to and including the root */
    public static byte[] keystore(PrivateKey key, List<X509Certificate> chain, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(KEY_ALIAS, key, password, chain.toArray(Certificate[]::new));
            return store(ks, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    /** @param roots own root first, then the peers; aliases are "root-" + the first 16 hex digits of the hash */
    public static byte[] truststore(List<X509Certificate> roots, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (X509Certificate c : roots) {
                ks.setCertificateEntry(alias(c), c);
            }
            return store(ks, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the PKCS#12 truststore: " + e.getMessage(), e);
        }
    }

    public static String alias(X509Certificate root) {
        return "root-" + Fingerprint.of(root).substring(0, 16);
    }

    /** A digest of everything that goes into a store: same inputs, same digest. */
    public static String inputDigest(String kind, char[] password, List<X509Certificate> certs, PrivateKey key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(kind.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(new String(password).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            for (X509Certificate c : certs) {
                md.update(c.getEncoded());
                md.update((byte) 0);
            }
            if (key != null) {
                // the provider-independent form: the same key gives the same digest after a restart
                md.update(CanonicalKey.der(key));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String fileDigest(byte[] bytes) {
        return Fingerprint.sha256Hex(bytes);
    }

    private static byte[] store(KeyStore ks, char[] password) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }
}
