package dev.trustcontracts.agent.remote;

import dev.trustcontracts.core.tls.CaBundleGitSession;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's JDK HTTP connections, with HTTPS checked against the operator's CA bundle ({@code --remote-ca})
 * instead of the JVM's trust store. Set per transport ({@code TransportHttp.setHttpConnectionFactory}),
 * so nothing else in the JVM is affected; host names are still verified, and a repository's
 * {@code http.sslVerify=false} cannot turn the check off. As a {@link TransportConfigCallback} it sets
 * itself on the HTTP transports of a JGit command (the demo's admin clones use it so).
 */
public final class CaBundleConnectionFactory implements HttpConnectionFactory2, TransportConfigCallback {
    private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();
    private final TrustManager trust;

    public CaBundleConnectionFactory(TrustManager trust) {
        this.trust = trust;
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
        return new CaBundleGitSession(trust);
    }
}
