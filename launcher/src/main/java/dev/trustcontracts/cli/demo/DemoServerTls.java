package dev.trustcontracts.cli.demo;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The demo repo-server's TLS: a demo-only CA (kept apart from the zones' CAs, which sign workloads and
 * contracts, not the hosting) and a server certificate for 127.0.0.1 and localhost, written under the
 * demo's directory. The agents, the admins' clones and the demo's own JSON and gRPC clients trust
 * exactly this CA, and {@code curl --cacert ca.pem} can too.
 *
 * @param caFile   the CA certificate (PEM) to trust
 * @param certFile the server's chain (leaf, then the CA)
 * @param keyFile  the server's private key, 0600
 */
record DemoServerTls(Path caFile, Path certFile, Path keyFile) {
    /** Lasts the demo and a while of --keep-running; nothing outside the demo trusts it. */
    private static final Duration VALIDITY = Duration.ofDays(7);

    /** Creates the CA and the server certificate and writes them to {@code dir}. */
    static DemoServerTls create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = now.minus(Duration.ofMinutes(5)); // a little clock skew between parts is harmless
        KeyPair caKeys = KeyType.EC_P256.generate();
        X509Certificate ca = CertificateIssuer.selfSignedRoot(new X500Name("CN=trustctl demo repo-server CA"),
                caKeys, notBefore, now.plus(VALIDITY));
        KeyPair serverKeys = KeyType.EC_P256.generate();
        X509Certificate server = CertificateIssuer.issue(ca, caKeys.getPrivate(), new X500Name("CN=localhost"),
                serverKeys.getPublic(), CertificateProfile.TLS, notBefore, now.plus(VALIDITY),
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")));
        DemoServerTls tls = new DemoServerTls(dir.resolve("ca.pem"), dir.resolve("server.pem"),
                dir.resolve("server-key.pem"));
        AtomicFiles.write(tls.caFile, ascii(Pem.encode(ca)), AtomicFiles.PUBLIC);
        AtomicFiles.write(tls.certFile, ascii(Pem.encode(List.of(server, ca))), AtomicFiles.PUBLIC);
        AtomicFiles.write(tls.keyFile, ascii(Pem.encode(serverKeys.getPrivate())), AtomicFiles.PRIVATE);
        // the CA's key is not kept: the demo needs exactly one server certificate
        return tls;
    }

    /** Trusts exactly the demo CA. */
    X509ExtendedTrustManager trustManager() throws IOException, GeneralSecurityException {
        return PemTls.trustManager(caFile);
    }

    /** For java.net.http: trusts exactly the demo CA (host names are still checked). */
    SSLContext sslContext() throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustManager()}, new SecureRandom());
        return ctx;
    }

    private static byte[] ascii(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
