package dev.trustcontracts.reposerver;

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
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A server certificate chain and its key from PEM files (for example issued by a zone's PKI), as the key
 * managers that both Jetty and gRPC take. The key may be PKCS#8 or a traditional EC/RSA key.
 */
public final class TlsMaterial {
    private static final char[] PASSWORD = "in-memory".toCharArray();

    private final KeyStore keyStore;
    private final KeyManager[] keyManagers;

    private TlsMaterial(KeyStore keyStore, KeyManager[] keyManagers) {
        this.keyStore = keyStore;
        this.keyManagers = keyManagers;
    }

    public static TlsMaterial load(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = Pem.certificates(Files.readString(certFile, StandardCharsets.US_ASCII));
        if (chain.isEmpty()) {
            throw new IOException(certFile + " holds no certificate");
        }
        PrivateKey key = Pem.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            return new TlsMaterial(ks, kmf.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certFile + " and " + keyFile + " for TLS: " + e.getMessage(), e);
        }
    }

    public KeyManager[] keyManagers() {
        return keyManagers.clone();
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    public String keyStorePassword() {
        return new String(PASSWORD);
    }
}
