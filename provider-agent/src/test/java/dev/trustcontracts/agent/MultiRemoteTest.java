package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.agent.status.RemoteReport;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.GitDaemon;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent with several --remote flags, against real Git servers: C git's {@code git daemon} serving the primary
 * repository and copies of it (a mirror that stops updating, a host that rewinds main, a fork that withholds a
 * revocation), and remotes on ports where nothing listens.
 */
class MultiRemoteTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path tmp;
    PkiZone alice;
    ContractRepo repo;
    GitDaemon daemon;
    Path out;
    final MutableClock clock = new MutableClock();

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(GitDaemon.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it these tests through git daemon are skipped");
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        repo = ContractRepo.create(tmp.resolve("repo"));
        daemon = GitDaemon.start(repo.bare.getParent());
        out = tmp.resolve("out");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (repo != null) {
            repo.close();
        }
        if (alice != null) {
            alice.close();
        }
    }

    private Agent agent(String... remotes) throws IOException {
        return new Agent(AgentConfig.builder(List.of(remotes), alice.target(), out).channels(PkiPins.pin(alice))
                .clock(clock).networkTimeout(Duration.ofSeconds(20)).build());
    }

    private String primary() {
        return daemon.url("remote.git");
    }

    /** A bare copy of the primary beside it, served by the same daemon: a mirror, a hosted copy. */
    private String copy(String name) throws Exception {
        Path dir = repo.bare.resolveSibling(name);
        Git.cloneRepository().setBare(true).setURI(repo.url()).setDirectory(dir.toFile()).call().close();
        return daemon.url(name);
    }

    /** Brings the copy's main to the primary's, as a mirror's update does. */
    private void follow(String name) throws Exception {
        try (Git g = Git.open(repo.bare.resolveSibling(name).toFile())) {
            g.fetch().setRemote(repo.url()).setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
        }
    }

    /** A working clone of a copy, in which whoever controls that copy commits and pushes what they like. */
    private Git workOn(String name) throws Exception {
        Path work = tmp.resolve(name + "-work");
        return Git.cloneRepository().setURI(repo.bare.resolveSibling(name).toUri().toString())
                .setDirectory(work.toFile()).call();
    }

    private static RevCommit commit(Git g, String file, String text, String message) throws Exception {
        Path f = g.getRepository().getWorkTree().toPath().resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        g.add().addFilepattern(file).call();
        return g.commit().setMessage(message).setAuthor("mallory", "m@example.test")
                .setCommitter("mallory", "m@example.test").setSign(false).call();
    }

    private static void forcePush(Git g) throws Exception {
        g.push().setRemote("origin").setForce(true).setRefSpecs(new RefSpec("+HEAD:refs/heads/main")).call();
    }

    /** A git:// URL on a port where nothing listens: the connection is refused. */
    private static String nowhere(String name) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return "git://127.0.0.1:" + port + "/" + name;
    }

    private String own() {
        return Fingerprint.of(alice.root());
    }

    private static String fp(TestZone z) {
        return Fingerprint.of(z.root);
    }

    private static RemoteReport report(Agent a, int i) {
        return a.status().remotes().get(i);
    }

    /** /healthz and /metrics of the agent's status, served as --listen serves them. */
    private record Served(int health, JsonNode body, String metrics) {
    }

    private Served serve(Agent a) throws Exception {
        try (AgentHttp http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), a.status(), Duration.ofMinutes(10),
                Duration.ZERO, clock)) {
            String base = "http://127.0.0.1:" + http.address().getPort();
            HttpResponse<String> h = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> m = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Served(h.statusCode(), JSON.readTree(h.body()), m.body());
        }
    }

    @Test
    void aRemoteThatIsDownDoesNotStopTheSyncFromAnotherAndHealthSaysWhichIsDown() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        repo.put(ab);
        String down = nowhere("contracts.git");
        try (Agent a = agent(down, primary())) {
            java.time.Instant before = clock.instant();
            CycleResult r = a.runOnce();
            java.time.Instant after = clock.instant();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commit()).isEqualTo(repo.remoteHead().name());
            assertThat(Outputs.chain(out)).containsExactly(own(), fp(bob));

            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.UNREACHABLE);
            assertThat(report(a, 0).problem()).startsWith("fetch from " + down + " failed");
            assertThat(report(a, 0).lastFetch()).isNull();
            assertThat(report(a, 1).state()).isEqualTo(RemoteReport.State.CURRENT);
            assertThat(report(a, 1).head()).isEqualTo(repo.remoteHead().name());
            assertThat(report(a, 1).lastFetch()).as("the cycle's instant").isBetween(before, after);

            Served s = serve(a);
            assertThat(s.health()).as("a remote down is worth an alert, though nothing is stale").isEqualTo(503);
            assertThat(s.body().get("problems").toString()).contains("remote " + down + " unreachable: fetch from");
            JsonNode remotes = s.body().get("remotes");
            assertThat(remotes.get(0).get("remote").asText()).isEqualTo(down);
            assertThat(remotes.get(0).get("reachable").asBoolean()).isFalse();
            assertThat(remotes.get(0).get("state").asText()).isEqualTo("unreachable");
            assertThat(remotes.get(1).get("state").asText()).isEqualTo("current");
            assertThat(remotes.get(1).get("head").asText()).isEqualTo(repo.remoteHead().name());
            assertThat(remotes.get(1).get("last_fetch").asText()).isEqualTo(report(a, 1).lastFetch().toString());
            assertThat(s.metrics()).contains("trustctl_agent_remote_up{remote=\"" + down + "\"} 0.0")
                    .contains("trustctl_agent_remote_up{remote=\"" + primary() + "\"} 1.0")
                    .contains("trustctl_agent_remote_state{remote=\"" + down + "\",state=\"unreachable\"} 1.0");
        }
    }

    @Test
    void aFrozenMirrorDoesNotHideARevocationTheHonestPrimaryShows() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        repo.put(ab);
        String mirror = copy("mirror.git");
        // the frozen mirror is listed first: order gives it no say over a head that is further
        try (Agent a = agent(mirror, primary())) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), fp(bob));
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.CURRENT);

            RevCommit revoke = repo.delete("alice-bob"); // the mirror stops following here
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commit()).isEqualTo(revoke.name());
            assertThat(Outputs.chain(out)).as("revoked, though the first remote still serves it").containsExactly(own());
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.LAGS);
            assertThat(report(a, 1).state()).isEqualTo(RemoteReport.State.CURRENT);

            // still frozen in the next cycle: its head is now behind the applied one, a mirror catching up
            clock.advance(Duration.ofMinutes(1));
            r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.LAGS);
            assertThat(a.status().problems(clock.instant(), Duration.ofMinutes(10), Duration.ZERO))
                    .as("a lagging mirror holds nothing back and is no problem").isEmpty();
            assertThat(a.status().rollbackRefused()).isNull();
            Served s = serve(a);
            assertThat(s.health()).isEqualTo(200);
            assertThat(s.metrics()).contains("trustctl_agent_remote_state{remote=\"" + mirror + "\",state=\"lags\"} 1.0");

            // the mirror catches up: current again
            follow("mirror.git");
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.CURRENT);
        }
    }

    @Test
    void aRemoteThatRewindsMainIsRefusedForThatRemoteOnly() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        RevCommit first = repo.put(ab);
        String host = copy("host.git");
        try (Agent a = agent(primary(), host)) {
            assertThat(a.runOnce().ok()).isTrue();
            ObjectId before = first.getParent(0);

            // the host rewinds main to before alice-bob and builds on it
            try (Git g = workOn("host.git")) {
                g.reset().setMode(ResetCommand.ResetType.HARD).setRef(before.name()).call();
                commit(g, "README.md", "rewritten\n", "rewritten history");
                forcePush(g);
            }
            repo.put(alice.contractWith("alice-carol", carol));

            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commit()).isEqualTo(repo.remoteHead().name());
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), fp(bob), fp(carol));
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.CURRENT);
            assertThat(report(a, 1).state()).isEqualTo(RemoteReport.State.REFUSED);
            assertThat(report(a, 1).problem()).contains("main may only move to a commit whose first-parent chain "
                    + "contains " + first.name());
            assertThat(a.status().rollbackRefused()).as("the agent itself refused nothing it could not get elsewhere")
                    .isNull();
            assertThat(a.status().failures(FailureKind.ROLLBACK)).isZero();
            assertThat(a.status().problems(clock.instant(), Duration.ofMinutes(10), Duration.ZERO))
                    .containsExactly("remote " + host + " refused: " + report(a, 1).problem());
        }
        // with only the rewinding host, the same head is the refused rollback it always was
        try (Agent a = agent(host)) {
            CycleResult r = a.runOnce();
            assertThat(r.refused()).as(r.toString()).isTrue();
            assertThat(r.failure()).isEqualTo(FailureKind.ROLLBACK);
            assertThat(a.status().rollbackRefused()).contains("refused");
        }
    }

    @Test
    void aForkThatWithholdsARevocationAndAddsCommitsCannotHideItAndIsNamed() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        Contract ac = alice.contractWith("alice-carol", carol);
        repo.put(ab);
        RevCommit base = repo.put(ac);
        String fork = copy("fork.git");
        // the fork is listed first, as a malicious primary would be
        try (Agent a = agent(fork, primary())) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), fp(bob), fp(carol));

            RevCommit revokeAb = repo.delete("alice-bob");
            try (Git g = workOn("fork.git")) {
                commit(g, "README.md", "busy fork\n", "looks active");
                commit(g, "NOTES.md", "more\n", "and more");
                forcePush(g);
            }
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(Outputs.chain(out)).as("the revocation only the honest remote shows is honoured")
                    .containsExactlyInAnyOrder(own(), fp(carol));
            assertThat(new AgentStateStore(out).load().revoked()).containsKey(ab.getBody().getId());
            assertThat(r.commit()).as("only what both hold is applied").isEqualTo(base.name());
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.DIVERGED);
            assertThat(report(a, 1).state()).isEqualTo(RemoteReport.State.DIVERGED);
            assertThat(a.status().remotesDisagree()).contains(fork, primary(), revokeAb.name(), base.name());
            Served s = serve(a);
            assertThat(s.health()).isEqualTo(503);
            assertThat(s.body().get("problems").toString()).contains("remotes disagree: " + fork);
            assertThat(s.metrics()).contains("trustctl_agent_remotes_disagree 1.0");

            // the honest remote's next revocation is seen too: both heads still hold the applied commit
            repo.delete("alice-carol");
            r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own());
            assertThat(report(a, 1).state()).isEqualTo(RemoteReport.State.DIVERGED);

            // the fork gives up (takes the primary's main): one line again, the primary's head applied
            follow("fork.git");
            r = a.runOnce();
            assertThat(r.commit()).isEqualTo(repo.remoteHead().name());
            assertThat(a.status().remotesDisagree()).isNull();
            assertThat(report(a, 0).state()).isEqualTo(RemoteReport.State.CURRENT);
        }
    }

    @Test
    void remotesThatNeverAnswerAreWaitedForTogetherNotOneAfterAnother() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        // sockets whose connections the kernel accepts and no one ever answers: each fetch waits the whole timeout
        List<ServerSocket> holes = new java.util.ArrayList<>();
        try {
            List<String> remotes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ServerSocket hole = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
                holes.add(hole);
                remotes.add("git://127.0.0.1:" + hole.getLocalPort() + "/contracts.git");
            }
            remotes.add(primary());
            Duration timeout = Duration.ofSeconds(2); // a cycle waits 3 x 2 s for a remote at most
            try (Agent a = new Agent(AgentConfig.builder(remotes, alice.target(), out).channels(PkiPins.pin(alice))
                    .clock(clock).networkTimeout(timeout).build())) {
                long t0 = System.nanoTime();
                CycleResult r = a.runOnce();
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(Outputs.chain(out)).containsExactly(own(), fp(bob));
                assertThat(a.status().remotes()).extracting(RemoteReport::state).containsExactly(
                        RemoteReport.State.UNREACHABLE, RemoteReport.State.UNREACHABLE, RemoteReport.State.UNREACHABLE,
                        RemoteReport.State.UNREACHABLE, RemoteReport.State.CURRENT);
                assertThat(report(a, 0).problem()).endsWith("failed: no answer within 6 s");
                // one after another, the four waits alone would take 24 s: together they take one
                assertThat(took).as("cycle time %s", took).isLessThan(Duration.ofSeconds(12));

                // the silent remotes' fetches still hang: they are not started again, and cost the next cycle nothing
                long t1 = System.nanoTime();
                r = a.runOnce();
                Duration again = Duration.ofNanos(System.nanoTime() - t1);
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(report(a, 3).problem()).contains("no answer: the fetch started in an earlier cycle is still "
                        + "waiting");
                assertThat(again).as("second cycle time %s", again).isLessThan(Duration.ofSeconds(6));
                System.out.println("MultiRemoteTest: a cycle with 4 silent git:// remotes (each waited for 6 s) and "
                        + "the primary took " + took.toMillis() + " ms; the next one " + again.toMillis() + " ms");
            }
        } finally {
            for (ServerSocket h : holes) {
                h.close();
            }
        }
    }

    @Test
    void everyRemoteDownKeepsTheLastGoodOutputs() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        String mirror = copy("mirror.git");
        try (Agent a = agent(primary(), mirror)) {
            assertThat(a.runOnce().ok()).isTrue();
            Map<String, String> before = Outputs.snapshot(out);
            java.time.Instant fetched = report(a, 0).lastFetch();
            assertThat(fetched).isNotNull();
            daemon.stop();
            clock.advance(Duration.ofMinutes(1));

            CycleResult r = a.runOnce();
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
            assertThat(r.message()).startsWith("no remote could be fetched: fetch from " + primary())
                    .contains("; fetch from " + mirror);
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
            assertThat(a.status().remotes()).extracting(RemoteReport::state)
                    .containsExactly(RemoteReport.State.UNREACHABLE, RemoteReport.State.UNREACHABLE);
            assertThat(report(a, 0).lastFetch()).as("the last successful fetch is kept")
                    .isEqualTo(fetched);
        }
    }

    @Test
    void credentialsInARemoteUrlNeverReachHealthMetricsLogsOrTheStateFile() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        String secret = "s3cret-token-" + Long.toHexString(System.nanoTime());
        String down = nowhere("git/contracts.git").replace("git://", "http://deploy:" + secret + "@");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Agent a = agent(down, primary())) {
            CycleResult r;
            try (PrintStream p = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                System.setErr(p); // slf4j-simple writes the log to System.err
                r = a.runOnce();
            } finally {
                System.setErr(err);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            err.print(log);
            assertThat(r.ok()).as(r.toString()).isTrue();
            String label = down.replace("deploy:" + secret + "@", "");
            assertThat(report(a, 0).remote()).isEqualTo(label);
            assertThat(log).contains("remote " + label + " unreachable").doesNotContain(secret).doesNotContain("deploy:");
            Served s = serve(a);
            assertThat(s.body().toString()).contains(label).doesNotContain(secret);
            assertThat(s.metrics()).contains(label).doesNotContain(secret);
            assertThat(Files.readString(new OutputLayout(out).state())).doesNotContain(secret);
        }
    }
}
