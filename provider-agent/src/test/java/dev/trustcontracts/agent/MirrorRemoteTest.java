package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose remote is a read-only mirror ({@code repo-server --mirror-of}) of a real primary: a contract
 * pushed to the primary reaches the agent through two doorbells (the primary's stream rings the mirror, the
 * mirror's rings the agent) with poll intervals of ten minutes, so nothing else could bring it; so does its
 * revocation.
 */
class MirrorRemoteTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path tmp;
    PkiZone alice;
    RepoServer primary;
    RepoServer mirror;
    Git admin;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        RepoServerConfig config = RepoServerConfig.ephemeral(tmp.resolve("primary"));
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), java.util.Set.of(), true);
        primary = RepoServer.start(config);
        mirror = RepoServer.start(RepoServerConfig.ephemeral(tmp.resolve("mirror")).toBuilder()
                .mirrorOf(MirrorOf.of(primary.gitUrl()).withPollEvery(Duration.ofMinutes(10))
                        .withWatch(new HostPort("127.0.0.1", primary.grpcPort())))
                .build());
        admin = Git.cloneRepository().setURI(primary.gitUrl()).setDirectory(tmp.resolve("admin").toFile()).call();
    }

    @AfterEach
    void tearDown() {
        admin.close();
        mirror.close();
        primary.close();
        alice.close();
    }

    private void push(String message) throws Exception {
        admin.add().addFilepattern(".").call();
        admin.add().addFilepattern(".").setUpdate(true).call();
        admin.commit().setMessage(message).setAuthor("admin", "admin@example.org")
                .setCommitter("admin", "admin@example.org").setSign(false).call();
        for (PushResult r : admin.push().setCredentialsProvider(new UsernamePasswordCredentialsProvider(USER, PASSWORD))
                .setRemote(primary.gitUrl()).add("main").call()) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                assertThat(u.getStatus()).as(u.getMessage() + " " + r.getMessages()).isEqualTo(RemoteRefUpdate.Status.OK);
            }
        }
    }

    @Test
    void aChangeOnThePrimaryReachesAnAgentOfTheMirrorThroughBothWatchStreams() throws Exception {
        TestZone bob = TestZone.create("bob");
        Path out = tmp.resolve("out");
        AgentConfig cfg = AgentConfig.builder(mirror.gitUrl(), alice.target(), out)
                .channels(ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint()).notifyPlaintext(true).build())
                .interval(Duration.ofMinutes(10))
                .notifyTarget("127.0.0.1:" + mirror.grpcPort())
                .build();
        try (Agent agent = new Agent(cfg)) {
            agent.start();
            Await.until("the first bundle", () -> agent.status().isReady());
            Await.until("the agent's watch stream on the mirror is open", () -> agent.status().isNotifyConnected());
            Await.until("the mirror's watch stream on the primary is open",
                    () -> mirror.mirror().orElseThrow().watchConnected());

            Contract c = alice.contractWith("alice-bob", bob);
            Path f = tmp.resolve("admin/contracts/alice-bob.yaml");
            Files.createDirectories(f.getParent());
            Files.writeString(f, ContractCodec.toYaml(c));
            push("add alice-bob");
            Await.until("bob is in chain.pem", () -> Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            assertThat(agent.status().doorbells()).isPositive();

            Files.delete(f);
            push("revoke alice-bob");
            Await.until("bob is gone from chain.pem", () -> !Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            assertThat(mirror.repository().main()).isEqualTo(primary.repository().main());
        }
    }
}
