package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.X509CertUtils;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPIFFE bundles through the product's own flow: a proposal pushed to a real repo-server over Git smart HTTP,
 * merged with its API, then revoked with its API; the agent fetches from that server over HTTP. The merge gives bob
 * a bundle file, the revocation takes it away.
 */
class AgentSpiffeRepoServerTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "correct horse battery staple";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;
    PkiZone alice;
    RepoServer server;
    Git admin;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        RepoServerConfig config = RepoServerConfig.ephemeral(tmp.resolve("data"));
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), Set.of(), true);
        server = RepoServer.start(config);
        admin = Git.cloneRepository().setURI(server.gitUrl()).setDirectory(tmp.resolve("admin").toFile()).call();
    }

    @AfterEach
    void tearDown() {
        admin.close();
        server.close();
        alice.close();
    }

    private void propose(String branch, Contract c) throws Exception {
        admin.checkout().setCreateBranch(true).setName(branch).call();
        Path f = tmp.resolve("admin/contracts/" + c.getBody().getName() + ".yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, ContractCodec.toYaml(c));
        admin.add().addFilepattern(".").call();
        admin.commit().setMessage("propose " + c.getBody().getName()).setAuthor("admin", "admin@example.org")
                .setCommitter("admin", "admin@example.org").setSign(false).call();
        for (PushResult r : admin.push().setCredentialsProvider(new UsernamePasswordCredentialsProvider(USER, PASSWORD))
                .setRemote(server.gitUrl()).setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch)).call()) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                assertThat(u.getStatus()).as(u.getMessage() + " " + r.getMessages()).isEqualTo(RemoteRefUpdate.Status.OK);
            }
        }
    }

    private void api(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.httpUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    }

    @Test
    void aMergedProposalGivesThePeerABundleAndTheRevocationRemovesIt() throws Exception {
        TestZone bob = TestZone.create("bob");
        Path out = tmp.resolve("out");
        Path bobFile = out.resolve(OutputLayout.spiffeDomain("bob.mesh.test"));
        AgentConfig cfg = AgentConfig.builder(server.gitUrl(), alice.target(), out).channels(PkiPins.pin(alice))
                .interval(Duration.ofSeconds(30)).spiffeTrustDomainSuffix("mesh.test").build();
        try (Agent agent = new Agent(cfg)) {
            assertThat(agent.runOnce().ok()).isTrue();
            assertThat(bobFile).doesNotExist();

            propose("proposals/alice-bob", alice.contractWith("alice-bob", bob));
            // a proposal is not main: nothing for the agent yet
            assertThat(agent.runOnce().changed()).doesNotContain("spiffe/bob.mesh.test.json");
            api("POST", "/api/proposals/proposals/alice-bob/merge");
            CycleResult merged = agent.runOnce();
            assertThat(merged.ok()).as(merged.toString()).isTrue();
            assertThat(merged.changed()).contains(OutputLayout.CHAIN, "spiffe/bob.mesh.test.json");
            JWKSet bundle = JWKSet.parse(Files.readString(bobFile));
            assertThat(bundle.getKeys()).singleElement().satisfies(k -> assertThat(Fingerprint.of(
                    X509CertUtils.parse(k.getX509CertChain().get(0).decode()))).isEqualTo(Fingerprint.of(bob.root)));
            assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));

            api("DELETE", "/api/contracts/alice-bob");
            CycleResult revoked = agent.runOnce();
            assertThat(revoked.ok()).as(revoked.toString()).isTrue();
            assertThat(revoked.changed()).contains(OutputLayout.CHAIN, "spiffe/bob.mesh.test.json");
            assertThat(bobFile).doesNotExist();
            assertThat(Files.readString(out.resolve(OutputLayout.SPIFFE_BUNDLE_MAP))).doesNotContain("bob.mesh.test");
            assertThat(Outputs.chain(out)).doesNotContain(Fingerprint.of(bob.root));
        }
    }
}
