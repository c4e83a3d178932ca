package dev.trustcontracts.core.tls;

import java.security.GeneralSecurityException;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;

/**
 * A JGit HTTP session whose HTTPS connections trust only the operator's CA bundle (host names are still verified).
 * A repository's {@code http.sslVerify=false} is ignored on purpose: it cannot turn the check off. The agent's
 * remotes ({@code --remote-ca}) and a mirror's primary ({@code --mirror-ca}) both connect through it.
 */
public final class CaBundleGitSession implements HttpConnectionFactory2.GitSession {
    private final TrustManager[] trust;

    /** @param trust the trust manager built from the CA bundle, or null for the JVM's trust store */
    public CaBundleGitSession(TrustManager trust) {
        this.trust = trust == null ? null : new TrustManager[] {trust};
    }

    @Override
    public HttpConnection configure(HttpConnection connection, boolean sslVerify) throws GeneralSecurityException {
        if (trust != null && "https".equals(connection.getURL().getProtocol())) {
            connection.configure(null, trust, null);
        }
        return connection;
    }

    @Override
    public void close() {
        // nothing held between connections
    }
}
