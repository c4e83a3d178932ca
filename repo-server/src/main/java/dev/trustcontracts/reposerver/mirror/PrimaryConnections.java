package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.core.tls.CaBundleGitSession;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnection;

/**
 * JGit's JDK HTTP connections to the primary, set on the mirror's fetch transport only: HTTPS checked against
 * the operator's CA bundle ({@code --mirror-ca}; null: the JVM's trust store; host names are verified either
 * way), and every answer's body counted against the bytes one fetch may bring, the push limit
 * ({@code GitHttp.Limits.maxPackBytes}): a primary that streams without end is cut off, not stored.
 */
final class PrimaryConnections implements HttpConnectionFactory2 {
    private final TrustManager trust;
    private final long maxBytes;
    /** Bytes read in the current fetch; {@link #reset} before each. */
    private final AtomicLong read = new AtomicLong();

    PrimaryConnections(TrustManager trust, long maxBytes) {
        this.trust = trust;
        this.maxBytes = maxBytes;
    }

    void reset() {
        read.set(0);
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return new Bounded(url);
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        return new Bounded(url, proxy);
    }

    @Override
    public GitSession newSession() {
        return new CaBundleGitSession(trust);
    }

    /** A JDK connection whose answer is counted against the fetch's byte budget. */
    private final class Bounded extends JDKHttpConnection {
        Bounded(URL url) throws MalformedURLException, IOException {
            super(url);
        }

        Bounded(URL url, Proxy proxy) throws MalformedURLException, IOException {
            super(url, proxy);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }
            };
        }

        private void count(int n) throws IOException {
            if (read.addAndGet(n) > maxBytes) {
                throw new IOException("the primary sent more than " + maxBytes + " bytes in one fetch (the pack "
                        + "size limit of a push); fetch given up");
            }
        }
    }
}
