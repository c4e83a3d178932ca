package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.agent.remote.CaBundleConnectionFactory;
import dev.trustcontracts.agent.remote.GrpcChannels;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.tls.PemTls;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real repo-server serving TLS on both ports with a certificate from a private CA:
 * https:// fetches checked against --remote-ca (right CA works, another CA is refused), a --private
 * server that needs the password or token from a file, and --notify over TLS with --notify-ca.
 */
class RemoteTlsTest {
    /** The agent's own fetch user: no zone, it only reads. */
    private static final String USER = "agent-alice";
    private static final String PASSWORD = "a long enough password for tests";
    /** The operator who pushes the contracts: an admin, as zone-scoped users cannot add another zone's contracts. */
    private static final String PUSHER = "admin";
    private static final String PUSHER_PASSWORD = "another long enough password for tests";

    @TempDir
    Path tmp;
    PkiZone alice;
    TestZone bob;
    Path serverCa;
    Path otherCa;
    Path certFile;
    Path keyFile;
    RepoServer server;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        bob = TestZone.create("bob");
        TestZone serverZone = TestZone.create("hosting");
        KeyPair keys = KeyType.EC_P256.generate();
        X509Certificate cert = CertificateIssuer.issue(serverZone.root, serverZone.rootKeys.getPrivate(),
                new X500Name("CN=localhost"), keys.getPublic(), CertificateProfile.TLS,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(1)),
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")));
        certFile = tmp.resolve("server.pem");
        keyFile = tmp.resolve("server.key");
        serverCa = tmp.resolve("hosting-ca.pem");
        otherCa = tmp.resolve("other-ca.pem");
        Files.writeString(certFile, Pem.encode(List.of(cert, serverZone.root)));
        Files.writeString(keyFile, Pem.encode(keys.getPrivate()));
        Files.writeString(serverCa, Pem.encode(serverZone.root));
        Files.writeString(otherCa, Pem.encode(TestZone.create("other").root));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        alice.close();
    }

    private void startServer(boolean privateRead) throws Exception {
        RepoServerConfig config = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().tls(certFile, keyFile)
                .privateRead(privateRead).build();
        UserStore users = new UserStore(config.usersFile());
        users.put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000));
        users.put(PUSHER, PUSHER_PASSWORD.toCharArray(), new PasswordHasher(2_000), java.util.Set.of(), true);
        server = RepoServer.start(config);
        assertThat(server.gitUrl()).startsWith("https://127.0.0.1:");
    }

    /** Pushes a contract over HTTPS, trusting the server's CA the same way the agent does. */
    private void push(Contract c) throws Exception {
        Path work = tmp.resolve("admin");
        TransportConfigCallback trust = t -> {
            if (t instanceof TransportHttp http) {
                try {
                    http.setHttpConnectionFactory(new CaBundleConnectionFactory(PemTls.trustManager(serverCa)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        UsernamePasswordCredentialsProvider creds = new UsernamePasswordCredentialsProvider(PUSHER, PUSHER_PASSWORD);
        if (!Files.exists(work)) {
            Git.cloneRepository().setURI(server.gitUrl()).setDirectory(work.toFile()).setTransportConfigCallback(trust)
                    .setCredentialsProvider(creds).call().close();
        }
        try (Git admin = Git.open(work.toFile())) {
            Path f = work.resolve("contracts/" + c.getBody().getName() + ".yaml");
            Files.createDirectories(f.getParent());
            Files.writeString(f, ContractCodec.toYaml(c));
            admin.add().addFilepattern(".").call();
            admin.commit().setMessage("add " + c.getBody().getName()).setAuthor("admin", "admin@example.org")
                    .setCommitter("admin", "admin@example.org").setSign(false).call();
            for (PushResult r : admin.push().setCredentialsProvider(creds).setTransportConfigCallback(trust)
                    .setRemote(server.gitUrl()).add("main").call()) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    assertThat(u.getStatus()).as(u.getMessage()).isEqualTo(RemoteRefUpdate.Status.OK);
                }
            }
        }
    }

    private Path secret(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        AtomicFiles.createNew(f, (content + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE);
        return f;
    }

    private ChannelOptions.Builder pinned() {
        return ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint());
    }

    private CycleResult once(ChannelOptions channels, Path out) throws Exception {
        try (Agent a = new Agent(AgentConfig.builder(server.gitUrl(), alice.target(), out).channels(channels).build())) {
            return a.runOnce();
        }
    }

    @Test
    void httpsWithTheRightCaAndNotifyOverTlsDeliverAChangeAtOnce() throws Exception {
        startServer(false);
        push(alice.contractWith("alice-bob", bob));
        Path out = tmp.resolve("out");
        AgentConfig cfg = AgentConfig.builder(server.gitUrl(), alice.target(), out)
                .interval(Duration.ofMinutes(10))
                .notifyTarget("127.0.0.1:" + server.grpcPort())
                .channels(pinned().remoteCa(serverCa).notifyCa(serverCa).build())
                .build();
        try (Agent agent = new Agent(cfg)) {
            agent.start();
            Await.until("the first bundle", () -> agent.status().isReady());
            assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));
            Await.until("the TLS watch stream is open", () -> agent.status().isNotifyConnected());

            TestZone carol = TestZone.create("carol");
            push(alice.contractWith("alice-carol", carol));
            // the poll interval is ten minutes: only the doorbell over TLS can bring carol in time
            Await.until("carol is in chain.pem", () -> Outputs.chain(out).contains(Fingerprint.of(carol.root)));
            assertThat(agent.status().doorbells()).isPositive();
        }
    }

    @Test
    void anHttpsRemoteWhoseCertificateIsNotFromTheGivenCaIsRefused() throws Exception {
        startServer(false);
        push(alice.contractWith("alice-bob", bob));

        CycleResult wrong = once(pinned().remoteCa(otherCa).build(), tmp.resolve("out-wrong"));
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(wrong.message()).contains("fetch from " + server.gitUrl() + " failed")
                .containsIgnoringCase("certif");
        assertThat(tmp.resolve("out-wrong/chain.pem")).doesNotExist();

        // without --remote-ca the JVM's trust store applies, and it does not know this private CA either
        CycleResult jvm = once(pinned().build(), tmp.resolve("out-jvm"));
        assertThat(jvm.ok()).isFalse();
        assertThat(jvm.failure()).isEqualTo(FailureKind.REMOTE);

        CycleResult right = once(pinned().remoteCa(serverCa).build(), tmp.resolve("out-right"));
        assertThat(right.ok()).as(right.message()).isTrue();
    }

    @Test
    void aPrivateServerNeedsThePasswordOrTokenFromAFile() throws Exception {
        startServer(true);
        push(alice.contractWith("alice-bob", bob));

        CycleResult anonymous = once(pinned().remoteCa(serverCa).build(), tmp.resolve("out-anon"));
        assertThat(anonymous.ok()).isFalse();
        assertThat(anonymous.failure()).isEqualTo(FailureKind.REMOTE);

        CycleResult wrongPassword = once(pinned().remoteCa(serverCa).remoteUsername(USER)
                .remotePasswordFile(secret("wrong", "not the password")).build(), tmp.resolve("out-wrong"));
        assertThat(wrongPassword.ok()).isFalse();
        assertThat(wrongPassword.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(wrongPassword.message()).doesNotContain("not the password");

        // after the wrong password the user is throttled for a moment (429 at once, never a wait on the
        // server): the next cycle tries again, as the running agent would after its backoff
        ChannelOptions right = pinned().remoteCa(serverCa).remoteUsername(USER)
                .remotePasswordFile(secret("password", PASSWORD)).build();
        CycleResult password = once(right, tmp.resolve("out-password"));
        for (int i = 0; i < 60 && !password.ok() && password.message().contains("429 Too Many Requests"); i++) {
            Thread.sleep(500);
            password = once(right, tmp.resolve("out-password"));
        }
        assertThat(password.ok()).as(password.message()).isTrue();
        assertThat(Outputs.chain(tmp.resolve("out-password"))).contains(Fingerprint.of(bob.root));

        // a token is sent the same way (HTTP Basic, the token as the password), as hosted Git services take it
        CycleResult token = once(pinned().remoteCa(serverCa).remoteUsername(USER)
                .remoteTokenFile(secret("token", PASSWORD)).build(), tmp.resolve("out-token"));
        assertThat(token.ok()).as(token.message()).isTrue();
    }

    @Test
    void notifyOverTlsChecksTheServerAgainstTheGivenBundle() throws Exception {
        startServer(false);
        String target = "127.0.0.1:" + server.grpcPort();
        ManagedChannel right = GrpcChannels.tls(target, PemTls.trustManager(serverCa));
        ManagedChannel wrong = GrpcChannels.tls(target, PemTls.trustManager(otherCa));
        ManagedChannel plain = GrpcChannels.plaintext(target);
        try {
            assertThat(ContractsServiceGrpc.newBlockingStub(right).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listContracts(ListContractsRequest.getDefaultInstance()).getCommit()).isNotEmpty();
            for (ManagedChannel refused : List.of(wrong, plain)) {
                StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                        StatusRuntimeException.class, () -> ContractsServiceGrpc.newBlockingStub(refused)
                                .withDeadlineAfter(30, TimeUnit.SECONDS)
                                .listContracts(ListContractsRequest.getDefaultInstance()));
                assertThat(e).isNotNull();
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            }
            StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> ContractsServiceGrpc.newBlockingStub(wrong)
                            .withDeadlineAfter(30, TimeUnit.SECONDS).listContracts(ListContractsRequest.getDefaultInstance()));
            assertThat(GrpcChannels.tlsReason(e)).startsWith("TLS handshake refused");
        } finally {
            GrpcChannels.shutdown(right);
            GrpcChannels.shutdown(wrong);
            GrpcChannels.shutdown(plain);
        }
    }

    @Test
    void optionsThatDoNotFitTheRemoteAreRefusedAtStart() throws Exception {
        startServer(false);
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> new Agent(AgentConfig.builder("git://127.0.0.1:1/x.git", alice.target(), out)
                .channels(pinned().remoteCa(serverCa).build()).build()))
                .hasMessageContaining("--remote-ca is for https:// remotes");
        assertThatThrownBy(() -> ChannelOptions.builder().pkiPlaintext(true).remotePasswordFile(tmp).build())
                .hasMessage("--remote-password-file needs --remote-username");
        assertThatThrownBy(() -> ChannelOptions.builder().pkiPlaintext(true).notifyCa(serverCa).notifyPlaintext(true)
                .build()).hasMessageContaining("--notify-ca is for a TLS --notify");
        assertThatThrownBy(() -> new Agent(AgentConfig.builder("ssh://git@127.0.0.1:1/x.git", alice.target(), out)
                .channels(pinned().build()).build()))
                .hasMessageContaining("needs --ssh-key");
    }
}
