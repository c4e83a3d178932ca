package dev.trustcontracts.core.tls;

import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * JSSE material from the PEM files a zone's PKI and agent write: an in-memory key store for a
 * certificate chain and its key, and key and trust managers built from them.
 */
public final class PemTls {
    private PemTls() {
    }

    /**
     * An in-memory PKCS#12 store holding {@code certPem} (leaf first, chain after) and {@code keyPem}
     * under the alias {@code identity}, protected by {@code password}.
     */
    public static KeyStore keyStore(Path certPem, Path keyPem, char[] password)
            throws IOException, GeneralSecurityException {
        return keyStore(Pem.certificates(read(certPem)), Pem.privateKey(read(keyPem)), password);
    }

    private static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("identity", key, password, chain.toArray(X509Certificate[]::new));
        return ks;
    }

    /** A key manager presenting {@code certPem} with {@code keyPem}. */
    public static X509ExtendedKeyManager keyManager(Path certPem, Path keyPem)
            throws IOException, GeneralSecurityException {
        return keyManager(Pem.certificates(read(certPem)), Pem.privateKey(read(keyPem)));
    }

    /** A key manager presenting {@code chain} (leaf first) with {@code key}. */
    public static X509ExtendedKeyManager keyManager(List<X509Certificate> chain, PrivateKey key)
            throws IOException, GeneralSecurityException {
        char[] none = new char[0];
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keyStore(chain, key, none), none);
        return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    }

    /** A trust manager that trusts exactly the roots in {@code chainPem}. */
    public static X509ExtendedTrustManager trustManager(Path chainPem) throws IOException, GeneralSecurityException {
        return trustManager(Pem.certificates(read(chainPem)));
    }

    /**
     * A PKIX trust manager whose only anchors are {@code roots}: no system CA, no revocation source. The
     * one place the project turns roots into JSSE trust; callers add their own checks around it.
     */
    public static X509ExtendedTrustManager trustManager(List<X509Certificate> roots)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < roots.size(); i++) {
            ks.setCertificateEntry("root-" + i, roots.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    }

    /** A PEM file's text (also {@link ReloadingKeyManager}'s reader). */
    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1); // never fails to decode: the PEM parser judges
    }
}
