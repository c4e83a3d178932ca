package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.HostPort;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --notify against a real repo-server: its WatchCertificates stream makes the agent fetch at once (the
 * poll interval is ten minutes here, so nothing else could), and the agent reconnects after the server
 * restarts. Trust still comes from Git: the stream is only a doorbell.
 */
class NotifyTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path tmp;
    PkiZone alice;
    RepoServer server;
    RepoServerConfig config;
    Git admin;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        config = RepoServerConfig.ephemeral(tmp.resolve("data"));
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), java.util.Set.of(), true);
        server = RepoServer.start(config);
        admin = Git.cloneRepository().setURI(server.gitUrl()).setDirectory(tmp.resolve("admin").toFile()).call();
    }

    @AfterEach
    void tearDown() {
        admin.close();
        server.close();
        alice.close();
    }

    private void push(String message) throws Exception {
        admin.add().addFilepattern(".").call();
        admin.add().addFilepattern(".").setUpdate(true).call();
        admin.commit().setMessage(message).setAuthor("admin", "admin@example.org")
                .setCommitter("admin", "admin@example.org").setSign(false).call();
        for (PushResult r : admin.push().setCredentialsProvider(new UsernamePasswordCredentialsProvider(USER, PASSWORD))
                .setRemote(server.gitUrl()).add("main").call()) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                assertThat(u.getStatus()).as(u.getMessage() + " " + r.getMessages()).isEqualTo(RemoteRefUpdate.Status.OK);
            }
        }
    }

    private void putContract(Contract c) throws Exception {
        Path f = tmp.resolve("admin/contracts/" + c.getBody().getName() + ".yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, ContractCodec.toYaml(c));
        push("add " + c.getBody().getName());
    }

    @Test
    void theWatchStreamMakesTheAgentFetchAtOnceAndSurvivesAServerRestart() throws Exception {
        TestZone bob = TestZone.create("bob");
        TestZone carol = TestZone.create("carol");
        Path out = tmp.resolve("out");
        AgentConfig cfg = AgentConfig.builder(server.gitUrl(), alice.target(), out).channels(ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint()).notifyPlaintext(true).build())
                .interval(Duration.ofMinutes(10))
                .notifyTarget("127.0.0.1:" + server.grpcPort())
                .build();
        try (Agent agent = new Agent(cfg)) {
            agent.start();
            Await.until("the first bundle", () -> agent.status().isReady());
            Await.until("the watch stream is open", () -> agent.status().isNotifyConnected());
            long cyclesBefore = agent.status().cyclesStarted();

            putContract(alice.contractWith("alice-bob", bob));
            Await.until("bob is in chain.pem", () -> Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            assertThat(agent.status().doorbells()).isPositive();
            assertThat(agent.status().cyclesStarted()).isGreaterThan(cyclesBefore);

            // the server goes away and comes back on the same ports; the agent reconnects by itself
            int http = server.httpPort();
            int grpc = server.grpcPort();
            server.close();
            Await.until("the agent notices the stream is gone", () -> !agent.status().isNotifyConnected());
            server = RepoServer.start(config.toBuilder().http(new HostPort("127.0.0.1", http)).grpc(new HostPort("127.0.0.1", grpc)).build());
            Await.until("the watch stream is open again", () -> agent.status().isNotifyConnected());

            putContract(alice.contractWith("alice-carol", carol));
            Await.until("carol is in chain.pem", () -> Outputs.chain(out).containsAll(
                    List.of(Fingerprint.of(bob.root), Fingerprint.of(carol.root))));
        }
    }

    @Test
    void aPrivateServersWatchStreamTakesTheGitCredentials() throws Exception {
        server.close();
        server = RepoServer.start(config.toBuilder().privateRead(true).build());
        TestZone bob = TestZone.create("bob");
        Path creds = tmp.resolve("git-credentials");
        Files.writeString(creds, USER + ":" + PASSWORD + "\n");
        Path out = tmp.resolve("out");
        AgentConfig cfg = AgentConfig.builder(server.gitUrl(), alice.target(), out)
                .channels(ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint()).notifyPlaintext(true).build())
                .interval(Duration.ofMinutes(10))
                .notifyTarget("127.0.0.1:" + server.grpcPort())
                .gitCredentialsFile(creds)
                .build();
        try (Agent agent = new Agent(cfg)) {
            agent.start();
            Await.until("the first bundle", () -> agent.status().isReady());
            Await.until("the watch stream of the private server is open", () -> agent.status().isNotifyConnected());
            putContract(alice.contractWith("alice-bob", bob));
            Await.until("bob is in chain.pem", () -> Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            assertThat(agent.status().doorbells()).isPositive();
        }
    }
}
