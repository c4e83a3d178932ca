package dev.trustcontracts.cli.demo;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One mTLS request from a zone's client to another zone's service, with the client's agent files.
 * A fresh SSL context per probe, so no resumed session can hide a change of trust: every probe is a
 * full handshake in which both sides check the other's chain.
 */
public final class MtlsProbe {
    /** The outcome: a peer subject and the response line, or why the handshake or request failed. */
    public record Result(boolean ok, String peerSubject, String response, String failure) {
        @Override
        public String toString() {
            return ok ? "handshake OK, server " + peerSubject + " said: " + response : "FAILED: " + failure;
        }
    }

    private MtlsProbe() {
    }

    /** The JSSE reason without the exception class names it nests ("PKIX path building failed: sun...: x"). */
    private static String reason(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int cut = m.lastIndexOf("Exception: ");
        return cut < 0 ? m : m.substring(cut + "Exception: ".length());
    }

    public static Result call(int port, Path clientAgentOut) {
        SSLContext ctx;
        try {
            ctx = SSLContext.getInstance("TLSv1.3");
            OutputLayout files = new OutputLayout(clientAgentOut);
            ctx.init(new KeyManager[] {PemTls.keyManager(files.cert(), files.key())},
                    new TrustManager[] {PemTls.trustManager(files.chain())},
                    new SecureRandom());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return new Result(false, null, null, "cannot load the client's files: " + e.getMessage());
        }
        try {
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.startHandshake();
                String peer = ((X509Certificate) s.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName();
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (reply.isEmpty()) {
                    return new Result(false, peer, "", "the server closed the connection without answering: "
                            + "it did not accept the client certificate");
                }
                if (!reply.startsWith("HTTP/1.1 200") && !reply.startsWith("HTTP/1.0 200")) {
                    return new Result(false, peer, "", "the server refused the request: "
                            + reply.lines().findFirst().orElse("(no reply)"));
                }
                String body = reply.substring(reply.indexOf("\r\n\r\n") + 4).trim();
                return new Result(true, peer, body, null);
            }
        } catch (IOException e) {
            // The server aborts the handshake after the client's Finished in TLS 1.3, so the client often
            // learns of the rejection only at its first read: either way, it is a failed mTLS connection.
            return new Result(false, null, null, reason(e));
        }
    }
}
