package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.pki.CertificateKeeper;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.SigningException;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.pki.CaInit;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.CaRotation;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.pki.ZoneCa;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.TestZone;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent of zone alice, pinned by fingerprint to alice's first root, through a full root rotation of its real PKI
 * ({@code pki rotate start|switch|finish} on the CA directory a running {@link PkiServer} serves over TLS on
 * 127.0.0.1) and of its peer bob (a contract listing bob's next root): at every step the agent keeps a valid leaf
 * that chains to one of its own roots, and chain.pem/ca.pem/truststore.p12 hold both own roots mid-rotation and only
 * the new one after finish (checked with {@code openssl verify}, JSSE's PKIX trust manager, and real TLS 1.3
 * handshakes of a server with the old or the new keystore.p12 against a client trusting truststore.p12). The
 * attack: the old PKI restored from a backup after finish (a downgrade) is refused in the handshake, since the agent
 * saw the old root retired, and nothing is written. A fresh agent pinned by hand to both roots works after finish.
 */
class AgentRootRotationTest {
    @TempDir
    Path tmp;
    private final MutableClock clock = new MutableClock();
    private CaLayout layout;
    private ZoneBootstrap alice;
    private PkiServer pki;
    private ContractRepo repo;
    private final TestZone bob = TestZone.create("bob");
    private final TestZone bobNext = TestZone.create("bob");

    @BeforeEach
    void setUp() throws Exception {
        layout = new CaLayout(tmp.resolve("alice-ca"));
        alice = ZoneBootstrap.create(layout, "alice", CaInit.DEFAULT_VALIDITY, Duration.ofDays(365), Clock.systemUTC());
        pki = PkiServer.forDirectory(layout.dir(), null, null);
        pki.start("127.0.0.1", 0);
        repo = ContractRepo.create(tmp.resolve("repo"));
        // alice (current root only) and bob (current root only)
        Contract c = ContractDraft.create("alice-bob", List.of(new ContractDraft.Zone("alice", root(), ""), bob.zone()),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(366));
        repo.put(bob.sign(sign(c, alice.admin().privateKey(), List.of(alice.admin().certificate(), root()))));
    }

    @AfterEach
    void tearDown() {
        repo.close();
        pki.close();
    }

    private X509Certificate root() {
        return alice.ca().certificate();
    }

    private static Contract sign(Contract c, PrivateKey key, List<X509Certificate> chain) {
        try {
            return ContractSigner.sign(c, key, chain, Instant.now().minusSeconds(60));
        } catch (SigningException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An admin's contract-signing certificate under alice's next root, as {@code pki issue} makes it after start. */
    private static KeyPair nextAdminKeys = KeyType.EC_P256.generate();

    private static X509Certificate nextAdmin(ZoneCa next) {
        return CertificateIssuer.issue(next.certificate(), next.privateKey(), new X500Name("CN=admin@alice"),
                nextAdminKeys.getPublic(), CertificateProfile.CONTRACT_SIGNER, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), List.of());
    }

    /** The successor contract: alice with both roots, bob with both roots, signed by every listed root. */
    private Contract successor(ZoneCa next) {
        Contract c = ContractDraft.create("alice-bob", List.of(
                new ContractDraft.Zone("alice", root(), "", next.certificate()),
                new ContractDraft.Zone("bob", bob.root, "", bobNext.root)),
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(366));
        c = sign(c, alice.admin().privateKey(), List.of(alice.admin().certificate(), root()));
        c = sign(c, nextAdminKeys.getPrivate(), List.of(nextAdmin(next), next.certificate()));
        return bobNext.sign(bob.sign(c));
    }

    private Agent agent(Path out, String fingerprints, String target) throws IOException {
        return new Agent(AgentConfig.builder(repo.url(), target, out).clock(clock)
                .channels(ChannelOptions.builder().pkiFingerprint(fingerprints).build()).build());
    }

    /** One cycle after the keeper's GetCA interval passed, so that the PKI is asked again. */
    private void cycle(Agent a) {
        clock.advance(CertificateKeeper.CHECK_EVERY.plusMinutes(1));
        CycleResult r = a.runOnce();
        assertThat(r.ok()).as(r.message()).isTrue();
    }

    private static List<String> fingerprints(Path file) throws IOException {
        return Pem.certificates(Files.readString(file)).stream().map(Fingerprint::of).toList();
    }

    /** The leaf in cert.pem chains to {@code root}: signature, issuer name, validity. */
    private static void assertLeafChainsTo(Path out, X509Certificate root) throws Exception {
        assertThat(opensslVerifies(out.resolve(OutputLayout.CHAIN), out.resolve(OutputLayout.CERT)))
                .as("openssl verifies cert.pem against chain.pem").isTrue();
        assertThat(opensslVerifies(out.resolve(OutputLayout.CA), out.resolve(OutputLayout.CERT)))
                .as("openssl verifies cert.pem against ca.pem").isTrue();
        X509Certificate leaf = Outputs.cert(out);
        leaf.checkValidity();
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        leaf.verify(root.getPublicKey());
        // and the key in key.pem is the leaf's
        PrivateKey key = Pem.privateKey(Files.readString(out.resolve(OutputLayout.KEY)));
        assertThat(dev.trustcontracts.core.crypto.KeyMatch.fits(key, leaf.getPublicKey())).isTrue();
    }

    /**
     * {@code openssl verify -CAfile chain.pem cert.pem}, as a proxy reading the agent's files checks the agent's
     * certificate: true when OpenSSL accepts it.
     */
    private static boolean opensslVerifies(Path caFile, Path cert) throws Exception {
        Process p = new ProcessBuilder("openssl", "verify", "-x509_strict", "-CAfile", caFile.toString(),
                cert.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return p.exitValue() == 0 && text.contains(": OK");
    }

    /** Writes a workload leaf of {@code ca} to a file, for openssl. */
    private Path leafFile(ZoneCa ca, String name) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, Pem.encode(workload(ca).get(0)));
        return f;
    }

    /** Whether JSSE's PKIX trust manager over the agent's truststore.p12 accepts a server chain. */
    private static boolean truststoreAccepts(Path out, List<X509Certificate> chain) throws Exception {
        char[] password = Files.readString(out.resolve(OutputLayout.KEYSTORE_PASSWORD)).strip().toCharArray();
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(out.resolve(OutputLayout.TRUSTSTORE).toFile())) {
            ts.load(in, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
        try {
            tm.checkServerTrusted(chain.toArray(new X509Certificate[0]), "ECDHE_ECDSA");
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    private static KeyStore load(Path p12, Path passwordFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(p12.toFile())) {
            ks.load(in, Files.readString(passwordFile).strip().toCharArray());
        }
        return ks;
    }

    /**
     * A real TLS 1.3 handshake on 127.0.0.1: a server presenting the key and chain of {@code keystore} (the agent's
     * keystore.p12 at some step), a client trusting exactly the agent's truststore.p12 in {@code trustOut}: whether
     * the client accepts the server.
     */
    private static boolean handshake(Path keystore, Path trustOut) throws Exception {
        Path pass = trustOut.resolve(OutputLayout.KEYSTORE_PASSWORD);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(load(keystore, pass), Files.readString(pass).strip().toCharArray());
        javax.net.ssl.SSLContext serverCtx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(load(trustOut.resolve(OutputLayout.TRUSTSTORE), pass));
        javax.net.ssl.SSLContext clientCtx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        clientCtx.init(null, tmf.getTrustManagers(), null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) serverCtx.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) server.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // the client refused: its side reports it
                }
            });
            accept.start();
            try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) clientCtx.getSocketFactory()
                    .createSocket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.startHandshake();
                return c.getInputStream().read() == 1;
            } catch (javax.net.ssl.SSLException e) {
                return false;
            } finally {
                accept.join(60_000);
            }
        }
    }

    /** A workload leaf issued by {@code ca} (as another service of alice's zone holds it), with its root. */
    private static List<X509Certificate> workload(ZoneCa ca) {
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate leaf = CertificateIssuer.issue(ca.certificate(), ca.privateKey(), new X500Name("CN=db.alice"),
                k.getPublic(), CertificateProfile.TLS, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(10)), List.of());
        return List.of(leaf, ca.certificate());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = new ArrayList<>(s.toList());
        }
        for (Path p : all) {
            Path t = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(t);
            } else {
                Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /**
     * --pki-check-every: an agent asking its PKI every 5 s learns the next root and the switch 5 s after them (not 10
     * minutes), renews from the next root at once, and does not ask before the interval passed.
     */
    @Test
    void aShortCheckIntervalFollowsStartAndSwitchWithinIt() throws Exception {
        Path out = tmp.resolve("out");
        String old = Fingerprint.of(root());
        try (Agent a = new Agent(AgentConfig.builder(repo.url(), "127.0.0.1:" + pki.port(), out).clock(clock)
                .pkiCheckEvery(Duration.ofSeconds(5))
                .channels(ChannelOptions.builder().pkiFingerprint(old).build()).build())) {
            assertThat(a.runOnce().ok()).isTrue();
            ZoneCa next = CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, Clock.systemUTC()).roots().next();
            String nextHash = Fingerprint.of(next.certificate());
            clock.advance(Duration.ofSeconds(4));
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(fingerprints(out.resolve(OutputLayout.CA))).as("within the interval").containsExactly(old);
            clock.advance(Duration.ofSeconds(2));
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(fingerprints(out.resolve(OutputLayout.CA))).containsExactly(old, nextHash);
            assertLeafChainsTo(out, root());

            CaRotation.switchIssuing(layout, Clock.systemUTC());
            clock.advance(Duration.ofSeconds(6));
            assertThat(a.runOnce().ok()).isTrue();
            assertLeafChainsTo(out, next.certificate());
        }
        assertThatThrownByConfig(Duration.ofMillis(500));
        assertThatThrownByConfig(Duration.ZERO);
    }

    private void assertThatThrownByConfig(Duration every) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentConfig.builder(repo.url(), "127.0.0.1:1",
                        tmp.resolve("x")).pkiCheckEvery(every)
                        .channels(ChannelOptions.builder().pkiFingerprint(Fingerprint.of(root())).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--pki-check-every must be at least 1s");
    }

    @Test
    void aPinnedAgentFollowsAFullRotationAndRefusesTheOldRootAfterwards() throws Exception {
        Path out = tmp.resolve("out");
        String old = Fingerprint.of(root());
        String target = "127.0.0.1:" + pki.port();
        ZoneCa oldCa = alice.ca();
        try (Agent a = agent(out, old, target)) {
            // before: one own root
            cycle(a);
            assertThat(fingerprints(out.resolve(OutputLayout.CA))).containsExactly(old);
            assertThat(Outputs.chain(out)).containsExactly(old, Fingerprint.of(bob.root));
            assertLeafChainsTo(out, root());

            // start: the next root is published; the successor contract lists both of alice's and both of bob's roots
            ZoneCa next = CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, Clock.systemUTC()).roots().next();
            String nextHash = Fingerprint.of(next.certificate());
            repo.put(successor(next));
            X509Certificate leafBefore = Outputs.cert(out);
            cycle(a);
            assertThat(fingerprints(out.resolve(OutputLayout.CA))).containsExactly(old, nextHash);
            List<String> peers = Stream.of(bob.root, bobNext.root).map(Fingerprint::of).sorted().toList();
            assertThat(Outputs.chain(out)).containsExactly(old, nextHash, peers.get(0), peers.get(1));
            assertThat(Outputs.cert(out)).as("not renewed before it is due").isEqualTo(leafBefore);
            assertLeafChainsTo(out, root());
            assertThat(truststoreAccepts(out, workload(oldCa))).isTrue();
            assertThat(truststoreAccepts(out, workload(next))).isTrue();
            assertThat(opensslVerifies(out.resolve(OutputLayout.CHAIN), leafFile(oldCa, "old-leaf.pem"))).isTrue();
            assertThat(opensslVerifies(out.resolve(OutputLayout.CHAIN), leafFile(next, "new-leaf.pem"))).isTrue();

            Path oldKeystore = tmp.resolve("old-keystore.p12");
            Files.copy(out.resolve(OutputLayout.KEYSTORE), oldKeystore);

            // switch: at its next GetCA the agent sees that the next root issues and renews its young leaf from it
            CaRotation.switchIssuing(layout, Clock.systemUTC());
            cycle(a);
            assertThat(Outputs.cert(out)).isNotEqualTo(leafBefore);
            assertLeafChainsTo(out, next.certificate());
            X509Certificate renewed = Outputs.cert(out);
            cycle(a);
            assertThat(Outputs.cert(out)).as("renewed once, not at every GetCA").isEqualTo(renewed);
            assertThat(Outputs.chain(out)).containsExactly(old, nextHash, peers.get(0), peers.get(1));
            // mid-rotation a workload of the zone with the old leaf and one with the new leaf are both trusted
            assertThat(handshake(oldKeystore, out)).as("old leaf, mid-rotation").isTrue();
            assertThat(handshake(out.resolve(OutputLayout.KEYSTORE), out)).as("new leaf, mid-rotation").isTrue();

            // a copy of the CA directory before finish: what a restored backup (or a stolen old key) would serve
            copyTree(layout.dir(), tmp.resolve("alice-ca-backup"));

            // finish: the PKI's own TLS certificate now chains to the new root; the agent pinned to the old one follows
            CaRotation.finish(layout, Clock.systemUTC());
            cycle(a);
            assertThat(fingerprints(out.resolve(OutputLayout.CA))).containsExactly(nextHash);
            assertThat(Outputs.chain(out)).containsExactly(nextHash, peers.get(0), peers.get(1));
            assertLeafChainsTo(out, next.certificate());
            assertThat(truststoreAccepts(out, workload(oldCa))).as("the old root is in no output").isFalse();
            assertThat(opensslVerifies(out.resolve(OutputLayout.CHAIN), leafFile(oldCa, "old-leaf.pem"))).isFalse();
            assertThat(opensslVerifies(out.resolve(OutputLayout.CHAIN), leafFile(next, "new-leaf.pem"))).isTrue();
            // the contract lists alice's old root as current and the new one as next: it still counts, through the
            // new root, for the bundle and for the effective-expiry metric
            assertThat(a.status().contractExpiries()).containsOnlyKeys("alice-bob");
            assertThat(handshake(oldKeystore, out)).as("old leaf, after finish").isFalse();
            assertThat(handshake(out.resolve(OutputLayout.KEYSTORE), out)).as("new leaf, after finish").isTrue();
            assertThat(truststoreAccepts(out, workload(next))).isTrue();
            for (String f : List.of(OutputLayout.CA, OutputLayout.CHAIN, OutputLayout.CERT)) {
                assertThat(fingerprints(out.resolve(f))).doesNotContain(old);
            }
        }

        String newHash = Fingerprint.of(Pem.certificate(Files.readString(layout.dir().resolve("ca.pem"))));
        // a restart, still started with the old pin only: the state file remembers the rotation
        try (Agent a = agent(out, old, target)) {
            cycle(a);
            assertThat(Outputs.chain(out)).first().isEqualTo(newHash);
            assertThat(Outputs.chain(out)).doesNotContain(old);
        }

        // a fresh agent (no state file) pinned by hand to both roots, as an operator does during a rotation
        try (Agent fresh = agent(tmp.resolve("fresh"), old + "," + newHash, target)) {
            cycle(fresh);
            assertThat(Outputs.chain(tmp.resolve("fresh"))).first().isEqualTo(newHash);
            assertThat(Outputs.chain(tmp.resolve("fresh"))).doesNotContain(old);
        }

        // the attack: the old PKI, restored from the backup, answers at the agent's PKI address
        Map<String, String> before = Outputs.snapshot(out);
        try (PkiServer restored = PkiServer.forDirectory(tmp.resolve("alice-ca-backup"), null, null)) {
            restored.start("127.0.0.1", 0);
            try (Agent a = agent(out, old, "127.0.0.1:" + restored.port())) {
                clock.advance(CertificateKeeper.CHECK_EVERY.plusMinutes(1));
                a.runOnce();
                // the current certificate is not due: the cycle goes on with what it has, the PKI problem reported
                assertThat(a.status().pkiProblem()).contains("TLS handshake refused")
                        .contains("pinned zone root sha256:" + newHash);
                assertThat(a.status().failures(FailureKind.PKI)).isEqualTo(1);
            }
        }
        assertThat(Outputs.snapshot(out)).as("the last good state stays in force").isEqualTo(before);
        assertThat(fingerprints(out.resolve(OutputLayout.CHAIN))).doesNotContain(old);
    }
}
