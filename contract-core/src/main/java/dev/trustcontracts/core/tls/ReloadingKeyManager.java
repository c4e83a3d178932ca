package dev.trustcontracts.core.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** Presents an agent's {@code cert.pem}/{@code key.pem}, re-read after the agent renews them. */
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
        return new Loaded(c, k, PemTls.keyManager(certPem, keyPem));
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
            // a renewal in progress (key replaced, cert not yet): keep the last good pair
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
