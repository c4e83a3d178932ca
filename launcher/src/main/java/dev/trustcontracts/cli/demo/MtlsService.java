package dev.trustcontracts.cli.demo;

import dev.trustcontracts.agent.OutputLayout;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.trustcontracts.core.tls.ReloadingKeyManager;
import dev.trustcontracts.core.tls.ReloadingTrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;

/**
 * A zone's HTTPS service for the demo: presents the agent's certificate, requires a client certificate
 * and verifies it against the agent's {@code chain.pem}, re-read when it changes (no restart).
 */
public final class MtlsService implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService executor;

    private MtlsService(HttpsServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static {
        // The JDK server writes a response's headers and body as two TLS records; with Nagle's algorithm the
        // second waits for the client's delayed ACK of the first, 40 ms on Linux, which would cap a client's
        // connections at a few dozen a second. Read once, when the JDK server's configuration is first loaded;
        // an operator's own -Dsun.net.httpserver.nodelay wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Starts on 127.0.0.1 and an ephemeral port, serving files from an agent's output directory. */
    public static MtlsService start(String zone, Path agentOut) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        OutputLayout files = new OutputLayout(agentOut);
        ctx.init(new KeyManager[] {new ReloadingKeyManager(files.cert(), files.key())},
                new TrustManager[] {new ReloadingTrustManager(files.chain())}, new SecureRandom());
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                var p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            String peer;
            try {
                peer = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
                peer = "(unverified)";
            }
            byte[] body = ("hello from " + zone + ", " + peer + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mtls-" + zone);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MtlsService(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "https://127.0.0.1:" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
