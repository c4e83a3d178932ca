package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
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
        try {
            KeyStore ks = PemTls.keyStore(certFile, keyFile, PASSWORD);
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
