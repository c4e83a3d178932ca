package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart, expiry on the server's clock, private mode and TLS. */
class ServerBehaviourTest {
    @TempDir
    Path tmp;

    @Test
    void contractDropsOutOfTheIndexWhenItExpiresWithoutAnyPush() throws Exception {
        // The server's clock is moved past the contract's end, so the outcome does not depend on how fast
        // this machine validates the push; a short recheck makes the index look at the clock again soon.
        OffsetClock clock = new OffsetClock();
        RepoServerConfig cfg = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().clock(clock)
                .recheck(Duration.ofMillis(100)).build();
        try (Fixture fx = new Fixture(tmp, cfg)) {
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            Instant now = Instant.now();
            Contract shortLived = ContractDraft.create("brief", List.of(ALICE.zone(), BOB.zone()),
                    now.minus(Duration.ofDays(1)), Duration.ofDays(1).plus(Duration.ofHours(1)));
            Contract signed = BOB.sign(ALICE.sign(shortLived));
            Fixture.Pushed p = Fixture.pushMain(git, Fixture.commit(git, main.name(),
                    change().contract("contracts/brief.yaml", signed)));
            assertThat(p.ok()).as(p.remote()).isTrue();
            assertThat(fx.server.index().current().contract("brief")).isPresent();
            clock.advance(Duration.ofHours(2));
            // no push: the index re-judges main on its own; bounded wait, generous for a loaded machine
            for (int i = 0; i < 600 && fx.server.index().current().contract("brief").isPresent(); i++) {
                Thread.sleep(100);
            }
            assertThat(fx.server.index().current().contract("brief")).as("expired on the server's clock").isEmpty();
            assertThat(Http.get(fx.server.httpUrl() + "/api/contracts").json().get("total").asInt()).isZero();
        }
    }

    /** The system clock moved forward by a settable offset. */
    static final class OffsetClock extends java.time.Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @Test
    void restartKeepsTheRepositoryAndRebuildsTheIndex() throws Exception {
        String commit;
        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId c = Fixture.commit(git, Fixture.fetchMain(git).name(),
                    change().contract("contracts/kept.yaml", TestZone.signed("kept", ALICE, BOB)));
            assertThat(Fixture.pushMain(git, c).ok()).isTrue();
            commit = c.name();
        }
        try (RepoServer again = RepoServer.start(RepoServerConfig.ephemeral(tmp.resolve("data")))) {
            assertThat(again.index().current().commit()).isEqualTo(commit);
            assertThat(again.index().current().contract("kept")).isPresent();
        }
    }

    @Test
    void privateModeNeedsALoginToCloneAndRead() throws Exception {
        RepoServerConfig cfg = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().privateRead(true).build();
        try (Fixture fx = new Fixture(tmp, cfg)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.cloneRepo("anon"))
                    .hasMessageContaining("Authentication is required");
            Git git = Git.cloneRepository().setURI(fx.server.gitUrl()).setDirectory(tmp.resolve("authed").toFile())
                    .setBare(true).setCredentialsProvider(Fixture.credentials()).call();
            assertThat(git.getRepository().resolve("refs/heads/main")).isNotNull();
            assertThat(Http.get(fx.server.httpUrl() + "/api/contracts").status()).isEqualTo(401);
            assertThat(Http.send("GET", fx.server.httpUrl() + "/api/contracts", Fixture.USER, Fixture.PASSWORD)
                    .status()).isEqualTo(200);
            assertThat(Http.get(fx.server.httpUrl() + "/healthz").status()).as("probes stay open").isEqualTo(200);
        }
    }

    @Test
    void tlsOnBothPortsWithACertificateFromAZoneRoot() throws Exception {
        TestZone zone = TestZone.create("server-zone");
        KeyPair keys = KeyType.EC_P256.generate();
        X509Certificate cert = CertificateIssuer.issue(zone.root, zone.rootKeys.getPrivate(),
                new X500Name("CN=localhost"), keys.getPublic(), CertificateProfile.TLS,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(1)),
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")));
        Path certFile = tmp.resolve("server.pem");
        Path keyFile = tmp.resolve("server.key");
        Path caFile = tmp.resolve("ca.pem");
        Files.writeString(certFile, Pem.encode(List.of(cert, zone.root)));
        Files.writeString(keyFile, Pem.encode(keys.getPrivate()));
        Files.writeString(caFile, Pem.encode(zone.root));
        RepoServerConfig cfg = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().tls(certFile, keyFile).build();
        try (Fixture fx = new Fixture(tmp, cfg)) {
            assertThat(fx.server.gitUrl()).startsWith("https://127.0.0.1:");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", zone.root);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(fx.server.httpUrl() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            ManagedChannel ch = Grpc.newChannelBuilderForAddress("localhost", fx.server.grpcPort(),
                    TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build()).build();
            try {
                var list = ContractsServiceGrpc.newBlockingStub(ch).listContracts(ListContractsRequest.getDefaultInstance());
                assertThat(list.getCommit()).isEqualTo(fx.server.index().current().commit());
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
