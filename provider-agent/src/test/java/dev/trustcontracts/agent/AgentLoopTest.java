package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.testing.TestZone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent running on its own (its loop, its HTTP endpoints), against real servers on real ports. */
class AgentLoopTest {
    static TestZone bob;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;
    PkiZone alice;
    ContractRepo repo;
    Path out;

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
    }

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        repo = ContractRepo.create(tmp.resolve("repo"));
        out = tmp.resolve("out");
    }

    @AfterEach
    void tearDown() {
        repo.close();
        alice.close();
    }

    private static long finished(Agent a) {
        return a.status().cyclesOk() + a.status().cyclesFailed();
    }

    @Test
    void aRevokedPeerLeavesChainPemWithinOneInterval() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        AgentConfig cfg = AgentConfig.builder(repo.url(), alice.target(), out).channels(alice.pin()).interval(Duration.ofSeconds(1)).build();
        try (Agent a = new Agent(cfg)) {
            a.start();
            Await.until("bob is in chain.pem", () -> a.status().isReady()
                    && Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            repo.delete("alice-bob");
            // cycles run one after another: the first one that starts after the push must apply it
            long startedBeforePush = a.status().cyclesStarted();
            Await.until("the first cycle after the push finished", () -> finished(a) >= startedBeforePush + 1);
            assertThat(Outputs.chain(out)).containsExactly(Fingerprint.of(alice.root()));
        }
    }

    @Test
    void aStoppedRemoteKeepsTheOutputsAndHealthShowsStalenessUntilItIsBack() throws Exception {
        assumeTrue(GitDaemon.available(), "git is not installed: skipping the git daemon test");
        repo.put(alice.contractWith("alice-bob", bob));
        try (GitDaemon daemon = GitDaemon.start(repo.bare.getParent())) {
            AgentConfig cfg = AgentConfig.builder(daemon.url("remote.git"), alice.target(), out).channels(alice.pin())
                    .interval(Duration.ofMillis(300)).staleAfter(Duration.ofSeconds(2))
                    .listen(new InetSocketAddress("127.0.0.1", 0)).build();
            try (Agent a = new Agent(cfg)) {
                a.start();
                String base = "http://127.0.0.1:" + a.httpAddress().getPort();
                Await.until("ready", () -> get(base + "/readyz").statusCode() == 200);
                Await.until("healthy", () -> get(base + "/healthz").statusCode() == 200);
                assertThat(get(base + "/healthz").body()).contains("\"status\" : \"ok\"");
                Map<String, String> before = Outputs.snapshot(out);

                daemon.stop();
                Await.until("health reports staleness", () -> {
                    HttpResponse<String> h = get(base + "/healthz");
                    return h.statusCode() == 503 && h.body().contains("stale: last successful sync");
                });
                assertThat(Outputs.snapshot(out)).isEqualTo(before);
                assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
                String metrics = get(base + "/metrics").body();
                assertThat(metric(metrics, "trustctl_agent_failures_total{kind=\"remote\"}")).isPositive();
                assertThat(metric(metrics, "trustctl_agent_staleness_seconds")).isGreaterThan(2);
                assertThat(metric(metrics, "trustctl_agent_peers")).isEqualTo(1);

                daemon.restart();
                repo.delete("alice-bob");
                // chain.pem is written before the cycle records the commit: wait for a whole cycle after the push
                long startedBeforePush = a.status().cyclesStarted();
                Await.until("the agent recovered and applied the push", () ->
                        Outputs.chain(out).equals(java.util.List.of(Fingerprint.of(alice.root())))
                                && finished(a) >= startedBeforePush + 1
                                && get(base + "/healthz").statusCode() == 200);
                metrics = get(base + "/metrics").body();
                assertThat(metric(metrics, "trustctl_agent_peers")).isEqualTo(0);
                assertThat(metrics).contains("trustctl_agent_applied_commit_info{commit=\"" + repo.remoteHead().name() + "\"} 1");
                assertThat(metric(metrics, "trustctl_agent_last_success_timestamp_seconds")).isPositive();
            }
        }
    }

    @Test
    void notReadyAndUnhealthyUntilAFirstBundleIsWritten() throws Exception {
        alice.stop();
        AgentConfig cfg = AgentConfig.builder(repo.url(), alice.target(), out).channels(alice.pin()).interval(Duration.ofMillis(200))
                .listen(new InetSocketAddress("127.0.0.1", 0)).build();
        try (Agent a = new Agent(cfg)) {
            a.start();
            String base = "http://127.0.0.1:" + a.httpAddress().getPort();
            Await.until("a failed cycle", () -> a.status().cyclesFailed() > 0);
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(503);
            HttpResponse<String> h = get(base + "/healthz");
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("certificate: none yet");
            assertThat(get(base + "/nothing").statusCode()).isEqualTo(404);
            alice.restart();
            Await.until("ready once the PKI is back", () -> get(base + "/readyz").statusCode() == 200);
        }
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double metric(String text, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("metric " + name + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
