package dev.trustcontracts.core.tls;

import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents an agent's {@code cert.pem}/{@code key.pem}, re-read after the agent renews them. The agent
 * replaces the two files one after the other (each atomically), so a reload between the two renames would
 * pair the new key with the old certificate and every handshake would fail its CertificateVerify: a pair
 * whose key does not fit the leaf is not taken, the last good pair stays in force, and the next handshake
 * tries again.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final Path certPem;
    private final Path keyPem;
    private volatile Loaded current;

    private record Loaded(FileTime certModified, FileTime keyModified, X509ExtendedKeyManager delegate) {
    }

    public ReloadingKeyManager(Path certPem, Path keyPem) throws IOException, GeneralSecurityException {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.current = load();
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        FileTime c = Files.getLastModifiedTime(certPem);
        FileTime k = Files.getLastModifiedTime(keyPem);
        List<X509Certificate> chain = Pem.certificates(Files.readString(certPem, StandardCharsets.ISO_8859_1));
        PrivateKey key = Pem.privateKey(Files.readString(keyPem, StandardCharsets.ISO_8859_1));
        if (chain.isEmpty() || !KeyMatch.fits(key, chain.get(0))) {
            throw new GeneralSecurityException(keyPem + " does not hold the key of the certificate in " + certPem);
        }
        return new Loaded(c, k, PemTls.keyManager(chain, key));
    }

    private X509ExtendedKeyManager delegate() {
        Loaded l = current;
        try {
            if (!Files.getLastModifiedTime(certPem).equals(l.certModified())
                    || !Files.getLastModifiedTime(keyPem).equals(l.keyModified())) {
                l = load();
                current = l;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // a renewal in progress (key replaced, cert not yet, or a file unreadable): keep the last good pair
        }
        return l.delegate();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate().getPrivateKey(alias);
    }
}
