package dev.trustcontracts.core.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the roots in an agent's {@code chain.pem} and picks up a new file on the next handshake, so a
 * service follows contract changes without a restart. The agent replaces the file atomically, so a
 * reload never sees a torn file; if a reload fails anyway, the last good roots stay in force.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {
    private final Path chainPem;
    private volatile Loaded current;

    private record Loaded(FileTime modified, long size, X509ExtendedTrustManager delegate) {
    }

    public ReloadingTrustManager(Path chainPem) throws IOException, GeneralSecurityException {
        this.chainPem = chainPem;
        this.current = load();
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        FileTime modified = Files.getLastModifiedTime(chainPem);
        long size = Files.size(chainPem);
        return new Loaded(modified, size, PemTls.trustManager(chainPem));
    }

    private X509ExtendedTrustManager delegate() {
        Loaded l = current;
        try {
            if (!Files.getLastModifiedTime(chainPem).equals(l.modified()) || Files.size(chainPem) != l.size()) {
                l = load();
                current = l;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // keep the last good roots
        }
        return l.delegate();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate().getAcceptedIssuers();
    }
}
