package dev.trustcontracts.pki;

import static dev.trustcontracts.pki.Csrs.dns;
import static dev.trustcontracts.pki.Csrs.email;
import static dev.trustcontracts.pki.Csrs.ip;
import static dev.trustcontracts.pki.Csrs.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKI over a real gRPC port (Netty on 127.0.0.1, port 0). */
class PkiServerTest {
    private static final String TOKEN = "3f9a1c6e0b7d4e2a8c5f1b9d7e3a6c0f2b8d4e1a7c9f5b3d";

    @TempDir
    Path dir;

    private ZoneCa ca;
    private PkiServer server;
    private ManagedChannel channel;
    private final KeyPair keys = KeyType.EC_P256.generate();

    @BeforeEach
    void start() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("ca"));
        ca = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
        IssuancePolicy policy = IssuancePolicy.forZone("alice", List.of("localhost", "127.0.0.1"),
                Duration.ofHours(24), "alice.test");
        server = new PkiServer(ca, policy, IssuedLog.open(layout.issuedLog()), BearerToken.of(TOKEN),
                Clock.systemUTC());
        int port = server.start("127.0.0.1", 0);
        assertThat(port).isPositive();
        channel = tlsChannel(port);
    }

    /** A client that trusts exactly the zone root, as a pinned agent does. */
    private ManagedChannel tlsChannel(int port) throws Exception {
        return NettyChannelBuilder.forAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                .trustManager(new java.io.ByteArrayInputStream(Pem.encode(ca.certificate())
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))).build()).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    private PkiServiceGrpc.PkiServiceBlockingStub stub(String authorization) {
        PkiServiceGrpc.PkiServiceBlockingStub s = PkiServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        if (authorization == null) {
            return s;
        }
        Metadata md = new Metadata();
        md.put(BearerTokenInterceptor.AUTHORIZATION, authorization);
        return s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    private PkiServiceGrpc.PkiServiceBlockingStub stub() {
        return stub("Bearer " + TOKEN);
    }

    private SignCSRResponse sign(String csr, long lifetimeSeconds) {
        return stub().signCSR(SignCSRRequest.newBuilder().setCsr(csr).setLifetimeSeconds(lifetimeSeconds).build());
    }

    private static StatusRuntimeException refusal(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should have been refused").isNotNull();
        return e;
    }

    @Test
    void getCaReturnsTheRootAndItsHash() {
        GetCAResponse r = stub().getCA(GetCARequest.getDefaultInstance());

        X509Certificate root = Pem.certificate(r.getCertificate());
        assertThat(root).isEqualTo(ca.certificate());
        assertThat(r.getHash()).isEqualTo(Fingerprint.of(root)).hasSize(64);
        assertThat(r.getZone()).isEqualTo("alice");
    }

    @Test
    void signsACsrWithALeafThatChainsToTheRootForClientAndServerAuth() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SignCSRResponse r = sign(Csrs.csr(keys, "db.alice", dns("api.alice"), ip("127.0.0.1"),
                uri("spiffe://alice.test/ns/db")), 0);
        Instant after = Instant.now();

        X509Certificate leaf = Pem.certificate(r.getCertificate());
        Pkix.validate(leaf, ca.certificate());
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder(Pkix.SERVER_AUTH, Pkix.CLIENT_AUTH);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=db.alice");
        assertThat(leaf.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                .containsExactly((Object) "db.alice", "api.alice", "127.0.0.1", "spiffe://alice.test/ns/db");
        assertThat(Pem.certificates(r.getChain())).containsExactly(leaf, ca.certificate());
        // lifetime 0 asks for the policy's maximum, 24 hours
        assertThat(leaf.getNotAfter().toInstant()).isBetween(before.plus(Duration.ofHours(24)),
                after.plus(Duration.ofHours(24)));
    }

    @Test
    void capsTheLifetimeAtThePolicyMaximum() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate capped = Pem.certificate(sign(Csrs.csr(keys, "alice"), Duration.ofDays(30).toSeconds())
                .getCertificate());
        X509Certificate shorter = Pem.certificate(sign(Csrs.csr(keys, "alice"), 3600).getCertificate());
        Instant after = Instant.now();

        assertThat(capped.getNotAfter().toInstant()).isBetween(before.plus(Duration.ofHours(24)),
                after.plus(Duration.ofHours(24)));
        assertThat(shorter.getNotAfter().toInstant()).isBetween(before.plus(Duration.ofHours(1)),
                after.plus(Duration.ofHours(1)));
    }

    @Test
    void refusesACsrWhoseSelfSignatureIsBad() {
        String csr = Csrs.signedBy(keys, KeyType.EC_P256.generate(), "db.alice");

        StatusRuntimeException e = refusal(() -> sign(csr, 0));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("self-signature does not verify");
    }

    @Test
    void refusesAWeakKey() {
        String csr = Csrs.csr(Csrs.rsa(1024), "db.alice");

        StatusRuntimeException e = refusal(() -> sign(csr, 0));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("RSA key of 1024 bits");
    }

    @Test
    void refusesAForbiddenCommonName() {
        StatusRuntimeException e = refusal(() -> sign(Csrs.csr(keys, "bob"), 0));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription())
                .isEqualTo("CN 'bob' is not allowed by this CA's policy (allowed: alice, *.alice, localhost, 127.0.0.1)");
    }

    @Test
    void refusesForbiddenSubjectAlternativeNames() {
        assertRefused(Status.Code.PERMISSION_DENIED, "DNS name 'a.b.alice' is not allowed",
                Csrs.csr(keys, "db.alice", dns("a.b.alice")));
        assertRefused(Status.Code.PERMISSION_DENIED, "DNS name 'alice.evil' is not allowed",
                Csrs.csr(keys, null, dns("alice.evil")));
        assertRefused(Status.Code.PERMISSION_DENIED, "IP address 10.0.0.1 is not allowed",
                Csrs.csr(keys, "db.alice", ip("10.0.0.1")));
        assertRefused(Status.Code.PERMISSION_DENIED, "the trust domain is alice.test",
                Csrs.csr(keys, "db.alice", uri("spiffe://bob.test/ns/db")));
        assertRefused(Status.Code.INVALID_ARGUMENT, "is not a SPIFFE ID",
                Csrs.csr(keys, "db.alice", uri("https://alice.test/")));
        assertRefused(Status.Code.INVALID_ARGUMENT, "email (rfc822Name) SAN is never signed",
                Csrs.csr(keys, "db.alice", email("admin@alice")));
    }

    private void assertRefused(Status.Code code, String reason, String csr) {
        StatusRuntimeException e = refusal(() -> sign(csr, 0));
        assertThat(e.getStatus().getCode()).isEqualTo(code);
        assertThat(e.getStatus().getDescription()).contains(reason);
    }

    @Test
    void refusesWhatIsNotACsr() {
        StatusRuntimeException e = refusal(() -> sign("hello", 0));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("unreadable CSR");
        assertThat(refusal(() -> sign(Csrs.csr(keys, "alice"), -1)).getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void refusesCallsWithoutTheToken() {
        StatusRuntimeException e = refusal(() -> stub(null).getCA(GetCARequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("missing bearer token");

        StatusRuntimeException sign = refusal(() -> stub(null).signCSR(
                SignCSRRequest.newBuilder().setCsr(Csrs.csr(keys, "alice")).build()));
        assertThat(sign.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void refusesCallsWithAWrongToken() {
        for (String header : List.of("Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x", "Basic " + TOKEN,
                TOKEN, "Bearer ")) {
            StatusRuntimeException e = refusal(() -> stub(header).signCSR(
                    SignCSRRequest.newBuilder().setCsr(Csrs.csr(keys, "alice")).build()));
            assertThat(e.getStatus().getCode()).as(header).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo("invalid bearer token");
        }
        assertThatCode(() -> stub("bearer " + TOKEN).getCA(GetCARequest.getDefaultInstance()))
                .as("the scheme is case-insensitive").doesNotThrowAnyException();
    }

    @Test
    void healthServiceAnswersWithoutAToken() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(PkiServiceGrpc.SERVICE_NAME).build());
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void forDirectoryServesTheZonesDefaultPolicyWithoutAToken() throws Exception {
        try (PkiServer open = PkiServer.forDirectory(dir.resolve("ca"), null, null)) {
            int port = open.start("127.0.0.1", 0);
            ManagedChannel ch = tlsChannel(port);
            try {
                PkiServiceGrpc.PkiServiceBlockingStub s = PkiServiceGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(60, TimeUnit.SECONDS);
                assertThat(s.getCA(GetCARequest.getDefaultInstance()).getHash()).isEqualTo(ca.fingerprint());
                assertThat(s.signCSR(SignCSRRequest.newBuilder().setCsr(Csrs.csr(keys, "db.alice")).build())
                        .getCertificate()).isNotEmpty();
                StatusRuntimeException e = refusal(() -> s.signCSR(SignCSRRequest.newBuilder()
                        .setCsr(Csrs.csr(keys, "localhost")).build()));
                assertThat(e.getStatus().getDescription()).contains("(allowed: alice, *.alice)");
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void serialNumbersNeverRepeatAndAreRecorded() throws Exception {
        String csr = Csrs.csr(keys, "alice");
        Set<BigInteger> serials = new HashSet<>();
        serials.add(ca.certificate().getSerialNumber());
        serials.add(server.serverCertificate().getSerialNumber()); // the PKI's own TLS certificate
        int n = 100;
        for (int i = 0; i < n; i++) {
            serials.add(Pem.certificate(sign(csr, 0).getCertificate()).getSerialNumber());
        }

        assertThat(serials).hasSize(n + 2);
        List<String> records = Files.readAllLines(dir.resolve("ca").resolve(CaLayout.ISSUED_LOG)).stream()
                .filter(l -> !l.startsWith("#")).toList();
        assertThat(records).hasSize(n + 2);
        assertThat(records).extracting(l -> new BigInteger(l.split("\t")[1], 16)).containsExactlyInAnyOrderElementsOf(serials);
    }
}
