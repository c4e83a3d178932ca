package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.proto.v1.CaRoot;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.RotationStep;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running PKI (TLS on 127.0.0.1, port 0) serving a CA directory while its root rotates, with no
 * restart: what GetCA publishes, which root SignCSR issues from, and which root the PKI's own TLS
 * certificate chains to, before and after each step.
 */
class PkiRotationServerTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;
    private CaLayout layout;
    private ZoneCa old;
    private PkiServer server;
    private final KeyPair workload = KeyType.EC_P256.generate();

    @BeforeEach
    void start() throws Exception {
        layout = new CaLayout(dir.resolve("ca"));
        old = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, CLOCK);
        server = PkiServer.forDirectory(layout.dir(), null, null);
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A new TLS channel that trusts exactly {@code root}, as a client pinning it does. */
    private ManagedChannel trusting(X509Certificate root) throws Exception {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.port(), TlsChannelCredentials.newBuilder()
                .trustManager(new ByteArrayInputStream(Pem.encode(root).getBytes(StandardCharsets.US_ASCII))).build())
                .build();
    }

    private <T> T call(X509Certificate trusted, java.util.function.Function<PkiServiceGrpc.PkiServiceBlockingStub, T> f)
            throws Exception {
        ManagedChannel ch = trusting(trusted);
        try {
            return f.apply(PkiServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS));
        } finally {
            ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private GetCAResponse getCa(X509Certificate trusted) throws Exception {
        return call(trusted, s -> s.getCA(GetCARequest.getDefaultInstance()));
    }

    private List<X509Certificate> sign(X509Certificate trusted) throws Exception {
        SignCSRResponse r = call(trusted, s -> s.signCSR(SignCSRRequest.newBuilder()
                .setCsr(Csrs.csr(workload, "db.alice")).build()));
        List<X509Certificate> chain = Pem.certificates(r.getChain());
        assertThat(Pem.certificate(r.getCertificate())).isEqualTo(chain.get(0));
        return chain;
    }

    private static boolean validates(X509Certificate leaf, X509Certificate root) {
        try {
            Pkix.validate(leaf, root);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> hashes(GetCAResponse r) {
        return r.getRootsList().stream().map(CaRoot::getHash).toList();
    }

    @Test
    void aFullRotationIsFollowedWithoutRestart() throws Exception {
        // before: one root, it issues
        GetCAResponse before = getCa(old.certificate());
        assertThat(before.getRotation()).isEqualTo(RotationStep.ROTATION_NONE);
        assertThat(hashes(before)).containsExactly(old.fingerprint());
        assertThat(before.getRoots(0).getIssuing()).isTrue();
        assertThat(before.getHash()).isEqualTo(old.fingerprint());

        // start: both roots published, the current one still issues
        ZoneCa next = CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, CLOCK).roots().next();
        GetCAResponse started = getCa(old.certificate());
        assertThat(started.getRotation()).isEqualTo(RotationStep.ROTATION_STARTED);
        assertThat(hashes(started)).containsExactly(old.fingerprint(), next.fingerprint());
        assertThat(started.getRoots(0).getIssuing()).isTrue();
        assertThat(started.getRoots(1).getIssuing()).isFalse();
        assertThat(started.getRoots(1).getNext()).isTrue();
        assertThat(Pem.certificate(started.getRoots(1).getCertificate())).isEqualTo(next.certificate());
        assertThat(started.getCertificate()).as("clients that predate rotation still read the established root")
                .isEqualTo(Pem.encode(old.certificate()));
        List<X509Certificate> fromOld = sign(old.certificate());
        assertThat(fromOld.get(fromOld.size() - 1)).isEqualTo(old.certificate());
        assertThat(validates(fromOld.get(0), old.certificate())).isTrue();
        assertThat(validates(fromOld.get(0), next.certificate())).isFalse();

        // switch: the next root issues; both still published; the PKI's TLS still chains to the established root
        CaRotation.switchIssuing(layout, CLOCK);
        GetCAResponse switched = getCa(old.certificate());
        assertThat(switched.getRotation()).isEqualTo(RotationStep.ROTATION_SWITCHED);
        assertThat(hashes(switched)).containsExactly(old.fingerprint(), next.fingerprint());
        assertThat(switched.getRoots(0).getIssuing()).isFalse();
        assertThat(switched.getRoots(1).getIssuing()).isTrue();
        List<X509Certificate> fromNext = sign(old.certificate());
        assertThat(fromNext).hasSize(2);
        assertThat(fromNext.get(1)).isEqualTo(next.certificate());
        assertThat(validates(fromNext.get(0), next.certificate())).isTrue();
        assertThat(validates(fromNext.get(0), old.certificate())).isFalse();
        assertThat(validates(server.serverCertificate(), old.certificate())).isTrue();
        Credential signer = ContractSignerIssuer.issue(CaLoader.loadRoots(layout).issuing(),
                IssuedLog.open(layout.issuedLog()), "admin@alice", KeyType.EC_P256, ContractSignerIssuer.DEFAULT_VALIDITY,
                CLOCK);
        signer.certificate().verify(next.certificate().getPublicKey());

        // finish: only the new root, everywhere; the old one neither published nor issuing nor serving TLS
        CaRotation.finish(layout, CLOCK);
        GetCAResponse finished = getCa(next.certificate());
        assertThat(finished.getRotation()).isEqualTo(RotationStep.ROTATION_NONE);
        assertThat(hashes(finished)).containsExactly(next.fingerprint());
        assertThat(finished.getHash()).isEqualTo(next.fingerprint());
        assertThat(finished.toString()).doesNotContain(old.fingerprint());
        assertThat(finished.getCertificate() + finished.getRootsList()).doesNotContain(
                Pem.encode(old.certificate()).lines().skip(1).findFirst().orElseThrow());
        for (int i = 0; i < 3; i++) {
            List<X509Certificate> after = sign(next.certificate());
            assertThat(after.get(1)).isEqualTo(next.certificate());
            assertThat(validates(after.get(0), old.certificate())).as("nothing chains to the retired root").isFalse();
            after.get(0).verify(next.certificate().getPublicKey());
        }
        assertThat(validates(server.serverCertificate(), next.certificate()))
                .as("the PKI's own certificate was renewed from the new root").isTrue();
        assertThatThrownBy(() -> getCa(old.certificate())).as("a client trusting only the retired root")
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(server.roots().published()).containsExactly(next);
    }

    @Test
    void aFinishIsNoticedWithoutAnyCallAndTheRetiredKeyLeavesTheServer() throws Exception {
        CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, CLOCK);
        CaRotation.switchIssuing(layout, CLOCK);
        ZoneCa next = CaRotation.finish(layout, CLOCK).roots().current();
        // no call is made: the poll alone must pick the finish up (bounded wait, generous for a slow machine)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!validates(server.serverCertificate(), next.certificate()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(validates(server.serverCertificate(), next.certificate())).isTrue();
        assertThat(server.roots().published()).containsExactly(next);
    }

    @Test
    void aDirectoryBrokenMidRotationKeepsTheLastGoodRoots() throws Exception {
        ZoneCa next = CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, CLOCK).roots().next();
        assertThat(hashes(getCa(old.certificate()))).hasSize(2);
        // the next key replaced by one that does not fit, then a state write makes the server reload
        Files.delete(layout.nextPrivateKey());
        AtomicFiles.createNew(layout.nextPrivateKey(), Pem.encode(KeyType.EC_P256.generate().getPrivate())
                .getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
        RotationState s = RotationStateFile.read(layout);
        RotationStateFile.write(layout, s.to(RotationState.Step.SWITCHED, CLOCK.instant()));
        GetCAResponse r = getCa(old.certificate());
        assertThat(r.getRotation()).as("the last good state stays in force").isEqualTo(RotationStep.ROTATION_STARTED);
        assertThat(hashes(r)).containsExactly(old.fingerprint(), next.fingerprint());
        assertThat(sign(old.certificate()).get(1)).isEqualTo(old.certificate());
    }
}
