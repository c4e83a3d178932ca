package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKI serves TLS by default with a certificate from its own CA; real handshakes on 127.0.0.1, with
 * clients that trust the right root, another root, or speak plaintext; and the audit events it emits.
 */
class PkiTlsTest {
    private static final String TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071";

    @TempDir
    Path dir;
    private ZoneCa ca;
    private IssuedLog log;
    private PkiServer server;
    private AuditEvents audit;
    private final KeyPair keys = KeyType.EC_P256.generate();

    @BeforeEach
    void start() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("ca"));
        ca = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
        log = IssuedLog.open(layout.issuedLog());
        audit = new AuditEvents();
        server = new PkiServer(ca, IssuancePolicy.forZone("alice"), log, BearerToken.of(TOKEN), Clock.systemUTC());
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        audit.close();
    }

    private static ManagedChannel trusting(X509Certificate root, String host, int port) {
        try {
            return NettyChannelBuilder.forAddress(host, port, TlsChannelCredentials.newBuilder()
                    .trustManager(new ByteArrayInputStream(Pem.encode(root).getBytes(StandardCharsets.US_ASCII)))
                    .build()).build();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PkiServiceGrpc.PkiServiceBlockingStub stub(ManagedChannel ch, String authorization) {
        PkiServiceGrpc.PkiServiceBlockingStub s = PkiServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
        if (authorization == null) {
            return s;
        }
        Metadata md = new Metadata();
        md.put(BearerTokenInterceptor.AUTHORIZATION, authorization);
        return s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    private static void close(ManagedChannel ch) throws InterruptedException {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The chain the server presents in a plain JSSE handshake that trusts {@code root}. */
    private X509Certificate[] handshake(X509Certificate root) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate[]) s.getSession().getPeerCertificates();
        }
    }

    @Test
    void theServerCertificateIsShortLivedChainsToTheZoneRootAndNamesTheListenAddress() throws Exception {
        X509Certificate[] chain = handshake(ca.certificate());

        X509Certificate leaf = chain[0];
        assertThat(leaf).isEqualTo(server.serverCertificate());
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(chain[chain.length - 1]).as("the root travels with the leaf, for fingerprint pins")
                .isEqualTo(ca.certificate());
        assertThat(PkiAudit.sans(leaf)).isEqualTo("IP:127.0.0.1,DNS:localhost");
        assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isLessThanOrEqualTo(PkiServerIdentity.LIFETIME.plus(CsrSigner.BACKDATE));
        assertThat(log.contains(leaf.getSerialNumber())).as("recorded in the CA's serial record").isTrue();
        assertThat(audit.of("pki.server-certificate")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("serial", leaf.getSerialNumber().toString(16)));
    }

    /** openssl s_client against the PKI port; stdin closed at once, so it ends after the handshake. */
    private String sClient(Path caFile, String host) throws Exception {
        boolean ip = host.matches("[0-9.]+");
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + server.port(), "-CAfile", caFile.toString(), "-verify_return_error", "-alpn", "h2"));
        cmd.addAll(ip ? List.of("-verify_ip", host) : List.of("-verify_hostname", host, "-servername", host));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void opensslVerifiesThePkiAgainstTheZoneRootAndRefusesItAgainstAnother() throws Exception {
        boolean openssl;
        try {
            openssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (java.io.IOException e) {
            openssl = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl,
                "openssl is not on PATH: the openssl handshake test is skipped (apt-get install openssl)");
        Path zoneRoot = dir.resolve("zone-root.pem");
        java.nio.file.Files.writeString(zoneRoot, Pem.encode(ca.certificate()));
        Path otherRoot = dir.resolve("other-root.pem");
        java.nio.file.Files.writeString(otherRoot, Pem.encode(CaInit.create(new CaLayout(dir.resolve("other")),
                "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC()).certificate()));

        assertThat(sClient(zoneRoot, "127.0.0.1")).contains("Verify return code: 0 (ok)").contains("ALPN protocol: h2");
        assertThat(sClient(zoneRoot, "localhost")).contains("Verify return code: 0 (ok)");
        assertThat(sClient(zoneRoot, "pki.elsewhere.example")).as("the name is checked")
                .doesNotContain("Verify return code: 0 (ok)");
        assertThat(sClient(otherRoot, "127.0.0.1")).doesNotContain("Verify return code: 0 (ok)");
    }

    @Test
    void aClientThatTrustsTheZoneRootTalksToItByAddressAndByLocalhost() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost")) {
            ManagedChannel ch = trusting(ca.certificate(), host, server.port());
            try {
                assertThat(stub(ch, "Bearer " + TOKEN).getCA(GetCARequest.getDefaultInstance()).getHash())
                        .isEqualTo(ca.fingerprint());
            } finally {
                close(ch);
            }
        }
    }

    @Test
    void aClientThatTrustsAnotherRootRefusesTheHandshake() throws Exception {
        ZoneCa mallory = CaInit.create(new CaLayout(dir.resolve("mallory")), "alice", KeyType.EC_P256,
                CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
        ManagedChannel ch = trusting(mallory.certificate(), "127.0.0.1", server.port());
        try {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> stub(ch, "Bearer " + TOKEN).getCA(GetCARequest.getDefaultInstance()));
            assertThat(e).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            close(ch);
        }
        assertThatThrownBy(() -> handshake(mallory.certificate())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void aPlaintextClientGetsNothing() throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> stub(ch, "Bearer " + TOKEN).getCA(GetCARequest.getDefaultInstance()));
            assertThat(e).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            close(ch);
        }
    }

    @Test
    void plaintextOnlyWhenAskedFor() throws Exception {
        try (PkiServer plain = new PkiServer(ca, IssuancePolicy.forZone("alice"), log, null, Clock.systemUTC(),
                PkiServer.Transport.plaintext())) {
            plain.start("127.0.0.1", 0);
            assertThat(plain.serverCertificate()).isNull();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", plain.port()).usePlaintext().build();
            try {
                assertThat(stub(ch, null).getCA(GetCARequest.getDefaultInstance()).getHash()).isEqualTo(ca.fingerprint());
            } finally {
                close(ch);
            }
        }
    }

    @Test
    void aRenewedServerCertificateIsPresentedToNewHandshakes() throws Exception {
        X509Certificate first = handshake(ca.certificate())[0];

        server.renewServerCertificate(List.of("127.0.0.1", "localhost"));

        X509Certificate second = handshake(ca.certificate())[0];
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(second).isEqualTo(server.serverCertificate());
        assertThat(second.getPublicKey()).as("a new key too").isNotEqualTo(first.getPublicKey());
        assertThat(audit.of("pki.server-certificate")).hasSize(2);
    }

    @Test
    void aWildcardListenAddressNeedsAServerName() {
        assertThatThrownBy(() -> PkiServerIdentity.names("0.0.0.0", List.of()))
                .isInstanceOf(PkiException.class).hasMessageContaining("--server-name");
        assertThat(PkiServerIdentity.names("0.0.0.0", List.of("PKI.Alice.Example", "10.1.2.3")))
                .containsExactly("pki.alice.example", "10.1.2.3");
        assertThat(PkiServerIdentity.names("pki.alice.example", List.of())).containsExactly("pki.alice.example");
        assertThatThrownBy(() -> PkiServerIdentity.names("127.0.0.1", List.of("not a name")))
                .isInstanceOf(PkiException.class).hasMessageContaining("not a DNS name");
    }

    @Test
    void everyIssuanceAndEveryRefusalIsAnAuditEventWithTheRequester() throws Exception {
        ManagedChannel ch = trusting(ca.certificate(), "127.0.0.1", server.port());
        try {
            String cert = stub(ch, "Bearer " + TOKEN).signCSR(SignCSRRequest.newBuilder()
                    .setCsr(Csrs.csr(keys, "db.alice")).build()).getCertificate();
            X509Certificate issued = Pem.certificate(cert);
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub(ch, "Bearer " + TOKEN)
                    .signCSR(SignCSRRequest.newBuilder().setCsr(Csrs.csr(keys, "db.bob")).build()))).isNotNull();
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub(ch, null)
                    .signCSR(SignCSRRequest.newBuilder().setCsr(Csrs.csr(keys, "db.alice")).build()))).isNotNull();
            assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub(ch, "Bearer wrong-" + TOKEN)
                    .getCA(GetCARequest.getDefaultInstance()))).isNotNull();

            List<Map<String, String>> issuedEvents = audit.of("pki.issue");
            assertThat(issuedEvents).singleElement().satisfies(e -> {
                assertThat(e).containsEntry("serial", issued.getSerialNumber().toString(16))
                        .containsEntry("zone", "alice")
                        .containsEntry("sans", "DNS:db.alice")
                        .containsEntry("subject", "CN=db.alice")
                        .containsEntry("token", BearerToken.of(TOKEN).identity());
                assertThat(e.get("peer")).startsWith("127.0.0.1:");
            });
            List<Map<String, String>> refusals = audit.of("pki.refuse");
            assertThat(refusals).extracting(e -> e.get("code") + " " + e.get("call") + " " + e.get("token"))
                    .containsExactly("PERMISSION_DENIED SignCSR " + BearerToken.of(TOKEN).identity(),
                            "UNAUTHENTICATED SignCSR missing", "UNAUTHENTICATED GetCA invalid");
            assertThat(refusals.get(0).get("reason")).contains("db.bob");
            assertThat(refusals).allSatisfy(e -> assertThat(e.get("peer")).startsWith("127.0.0.1:"));
            assertThat(audit.of("pki.issue").toString() + refusals).as("the token itself is never logged")
                    .doesNotContain(TOKEN);
        } finally {
            close(ch);
        }
    }
}
