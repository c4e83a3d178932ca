package dev.trustcontracts.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS 1.3 handshakes over loopback; trust follows chain.pem without a restart. */
class MtlsServiceTest {
    @TempDir
    Path dir;

    Path agentDir(TestZone z) throws Exception {
        Path d = Files.createDirectories(dir.resolve(z.name));
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate leaf = CertificateIssuer.issue(z.root, z.rootKeys.getPrivate(), new X500Name("CN=svc." + z.name),
                k.getPublic(), CertificateProfile.TLS, TestZone.NOW.minusSeconds(60), TestZone.NOW.plus(Duration.ofDays(1)),
                List.of());
        Files.writeString(d.resolve("cert.pem"), Pem.encode(List.of(leaf, z.root)));
        AtomicFiles.write(d.resolve("key.pem"), Pem.encode(k.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.PRIVATE);
        chain(d, z.root);
        return d;
    }

    static void chain(Path d, X509Certificate... roots) throws Exception {
        AtomicFiles.write(d.resolve("chain.pem"), Pem.encode(List.of(roots)).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void handshakeFollowsTheTrustFiles() throws Exception {
        TestZone alice = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        Path a = agentDir(alice);
        Path b = agentDir(bob);
        try (MtlsService bobService = MtlsService.start("bob", b)) {
            assertThat(MtlsProbe.call(bobService.port(), b).ok()).as("same zone").isTrue();

            MtlsProbe.Result before = MtlsProbe.call(bobService.port(), a);
            assertThat(before.ok()).isFalse();
            assertThat(before.failure()).isNotBlank();

            chain(a, alice.root, bob.root);
            assertThat(MtlsProbe.call(bobService.port(), a).ok()).as("only the client trusts the server").isFalse();
            chain(b, bob.root, alice.root);
            MtlsProbe.Result after = MtlsProbe.call(bobService.port(), a);
            assertThat(after.ok()).as(after.toString()).isTrue();
            assertThat(after.peerSubject()).isEqualTo("CN=svc.bob");
            assertThat(after.response()).isEqualTo("hello from bob, CN=svc.alice");

            chain(b, bob.root);
            assertThat(MtlsProbe.call(bobService.port(), a).ok()).as("revoked on the server side").isFalse();
        }
    }

    @Test
    void aBrokenChainFileKeepsTheLastGoodRoots() throws Exception {
        TestZone alice = TestZone.create("alice");
        Path a = agentDir(alice);
        try (MtlsService service = MtlsService.start("alice", a)) {
            Files.writeString(a.resolve("chain.pem"), "garbage");
            assertThat(MtlsProbe.call(service.port(), dir.resolve("alice")).ok()).isFalse(); // client can't load
            Path client = Files.createDirectories(dir.resolve("client"));
            Files.copy(a.resolve("cert.pem"), client.resolve("cert.pem"));
            Files.copy(a.resolve("key.pem"), client.resolve("key.pem"));
            chain(client, alice.root);
            assertThat(MtlsProbe.call(service.port(), client).ok()).as("server kept its last good roots").isTrue();
        }
    }
}
