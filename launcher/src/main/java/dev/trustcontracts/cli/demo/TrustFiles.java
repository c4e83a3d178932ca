package dev.trustcontracts.cli.demo;

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

/** Builds JSSE key and trust managers from an agent's PEM output files. */
final class TrustFiles {
    private TrustFiles() {
    }

    /** A trust manager that trusts exactly the roots in {@code chain.pem}. */
    static X509ExtendedTrustManager trustManager(Path chainPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> roots = Pem.certificates(Files.readString(chainPem, StandardCharsets.US_ASCII));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < roots.size(); i++) {
            ks.setCertificateEntry("root-" + i, roots.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    }

    /** A key manager presenting {@code cert.pem} (leaf first, chain after) with {@code key.pem}. */
    static X509ExtendedKeyManager keyManager(Path certPem, Path keyPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificates(Files.readString(certPem, StandardCharsets.US_ASCII));
        PrivateKey key = Pem.privateKey(Files.readString(keyPem, StandardCharsets.US_ASCII));
        char[] none = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("identity", key, none, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, none);
        return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    }
}
