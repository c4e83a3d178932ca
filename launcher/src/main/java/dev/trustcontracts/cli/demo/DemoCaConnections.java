package dev.trustcontracts.cli.demo;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.security.GeneralSecurityException;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * The admins' JGit HTTPS connections, checked against the demo's repo-server CA instead of the JVM's
 * trust store. Set per transport, so nothing else in the JVM is affected; host names are still verified.
 * The same idea as the agent's {@code CaBundleConnectionFactory}, which is internal to the agent.
 */
final class DemoCaConnections implements HttpConnectionFactory2, TransportConfigCallback {
    private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();
    private final TrustManager[] trust;

    DemoCaConnections(TrustManager trust) {
        this.trust = new TrustManager[] {trust};
    }

    @Override
    public void configure(Transport transport) {
        if (transport instanceof TransportHttp http) {
            http.setHttpConnectionFactory(this);
        }
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return jdk.create(url);
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        return jdk.create(url, proxy);
    }

    @Override
    public GitSession newSession() {
        return new GitSession() {
            @Override
            public HttpConnection configure(HttpConnection connection, boolean sslVerify)
                    throws GeneralSecurityException {
                if ("https".equals(connection.getURL().getProtocol())) {
                    connection.configure(null, trust, null);
                }
                return connection;
            }

            @Override
            public void close() {
                // nothing held between connections
            }
        };
    }
}
