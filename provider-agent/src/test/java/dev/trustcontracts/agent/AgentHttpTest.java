package dev.trustcontracts.agent;

import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.agent.status.RemoteReport;
import dev.trustcontracts.agent.status.RootExpiry;
import dev.trustcontracts.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.agent.status.HeartbeatStatus;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.testing.PrometheusText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP port over a real socket on 127.0.0.1 with the JDK's HTTP client: paths, status codes, content
 * types, methods, and a /metrics scrape read strictly as Prometheus text and held to docs/provider-agent.md.
 */
class AgentHttpTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock();
    private AgentStatus status;
    private AgentHttp http;
    private String base;

    @BeforeEach
    void start() throws Exception {
        status = new AgentStatus(clock.instant());
        http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), status, Duration.ofMinutes(10),
                AgentConfig.DEFAULT_EXPIRY_WARNING, clock);
        base = "http://127.0.0.1:" + http.address().getPort();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse(null);
    }

    @Test
    void bindsTheAskedLoopbackAddressOnAPortOfItsOwn() {
        assertThat(http.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(http.address().getPort()).isPositive();
    }

    @Test
    void aTakenPortIsAnErrorNamingTheAddress() {
        int port = http.address().getPort();
        assertThatThrownBy(() -> new AgentHttp(new InetSocketAddress("127.0.0.1", port), status, Duration.ofMinutes(1),
                AgentConfig.DEFAULT_EXPIRY_WARNING, clock)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot serve health and metrics on 127.0.0.1:" + port + ": ");
    }

    @Test
    void beforeTheFirstCycleNotReadyAndDegraded() throws Exception {
        HttpResponse<String> ready = send("GET", "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(contentType(ready)).isEqualTo("text/plain");
        assertThat(ready.body()).isEqualTo("not ready: no bundle and certificate written yet\n");
        assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> health = send("GET", "/healthz");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(contentType(health)).isEqualTo("application/json");
        assertThat(health.body()).contains("\"status\" : \"degraded\"", "certificate: none yet",
                "\"last_success\" : null", "\"peers\" : -1", "\"ready\" : false").endsWith("}\n");
    }

    @Test
    void aHealthyAgentAnswers200WithItsState() throws Exception {
        String commit = "c".repeat(40);
        status.cycleStarted(clock.instant());
        status.synced(clock.instant(), commit);
        status.bundle(2, 0, 0, 0);
        status.certificate(clock.instant().plus(Duration.ofHours(24)), null);
        status.ready();
        status.cycleFinished(true, 0.25, 0.125, null);

        HttpResponse<String> ready = send("GET", "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
        HttpResponse<String> health = send("GET", "/healthz");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\" : \"ok\"", "\"problems\" : [ ]",
                "\"applied_commit\" : \"" + commit + "\"", "\"peers\" : 2", "\"staleness_seconds\" : 0");

        clock.advance(Duration.ofMinutes(11));
        HttpResponse<String> stale = send("GET", "/healthz");
        assertThat(stale.statusCode()).isEqualTo(503);
        assertThat(stale.body()).containsPattern("stale: last successful sync 66[0-9] s ago");
    }

    @Test
    void whatEndsWithinTheMarginDegradesHealthSoonestFirstAndAZeroMarginIsOff() throws Exception {
        Instant now = clock.instant();
        status.cycleStarted(now);
        status.synced(now, "c".repeat(40));
        status.certificate(now.plus(Duration.ofHours(24)), null);
        status.ready();
        Instant peerEnd = now.plus(Duration.ofDays(20)).plusSeconds(3600);
        Instant issuerEnd = now.plus(Duration.ofDays(5)).plusSeconds(3600);
        status.roots(List.of(new RootExpiry("alice", "1".repeat(64), true, now.plus(Duration.ofDays(3000)), List.of()),
                new RootExpiry("bob", "2".repeat(64), false, peerEnd, List.of("alice-bob", "bob-carol"))));
        // after pki rotate switch: cert.pem comes from the next root, which no contract lists yet
        status.issuingRoot("3".repeat(64), issuerEnd);

        HttpResponse<String> health = send("GET", "/healthz");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(status.problems(now, Duration.ofMinutes(10), Duration.ofDays(30))).containsExactly(
                "expiry: the root that issued cert.pem (sha256 " + "3".repeat(64) + ") ends at " + issuerEnd
                        + " (in 5 days); rotate the zone's root: trustctl pki rotate start",
                "expiry: peer root bob (sha256 " + "2".repeat(64) + ") ends at " + peerEnd + " (in 20 days); its zone "
                        + "must rotate it (trustctl pki rotate start there), then: trustctl contract rotate NAME "
                        + "--participant bob=NEXT.pem");
        assertThat(health.body()).contains("\"status\" : \"degraded\"", "expiry: the root that issued cert.pem",
                "expiry: peer root bob");
        PrometheusText.Scrape scrape = PrometheusText.parse(send("GET", "/metrics").body());
        assertThat(scrape.value("trustctl_agent_expiry_warnings", Map.of())).isEqualTo(2);

        // a zero margin turns the warnings off: the same status is healthy
        try (AgentHttp off = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), status, Duration.ofMinutes(10),
                Duration.ZERO, clock)) {
            HttpResponse<String> ok = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + off.address().getPort() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
    }

    @Test
    void getAndHeadOnlyAndNothingElseIsServed() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            for (String path : new String[] {"/healthz", "/metrics", "/nothing"}) {
                HttpResponse<String> r = send(method, path);
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.body()).as(method + " " + path).isEqualTo("GET only\n");
                assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
            }
        }
        HttpResponse<String> head = send("HEAD", "/readyz");
        assertThat(head.statusCode()).isEqualTo(503);
        assertThat(head.body()).isEmpty();
        assertThat(send("HEAD", "/metrics").statusCode()).isEqualTo(200);

        HttpResponse<String> missing = send("GET", "/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(contentType(missing)).isEqualTo("text/plain");
        assertThat(missing.body()).isEqualTo("not found\n");
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void theScrapeIsValidPrometheusTextWithEveryDocumentedMetricAndNoOther() throws Exception {
        String commit = "a".repeat(40);
        Instant expiry = Instant.parse("2030-01-02T03:04:05Z");
        status.cycleStarted(clock.instant());
        status.failed(FailureKind.REMOTE);
        status.failed(FailureKind.REMOTE);
        status.synced(clock.instant(), commit);
        status.bundle(1, 3, 1, 2);
        status.contractExpiries(Map.of("alice-bob", expiry, "alice-carol", expiry.plusSeconds(60)));
        status.changed(clock.instant(), 4);
        status.certificate(expiry, null);
        String aliceRoot = "1".repeat(64);
        String bobRoot = "2".repeat(64);
        status.roots(List.of(new RootExpiry("alice", aliceRoot, true, expiry.plusSeconds(3600), List.of()),
                new RootExpiry("bob", bobRoot, false, expiry.plusSeconds(7200), List.of("alice-bob"))));
        status.issuingRoot(aliceRoot, expiry.plusSeconds(3600));
        status.remotes(List.of(new RemoteReport("https://primary.example/git/contracts.git",
                RemoteReport.State.CURRENT, commit, null, clock.instant()),
                new RemoteReport("https://mirror.example/contracts.git", RemoteReport.State.UNREACHABLE, null,
                        "fetch from https://mirror.example/contracts.git failed: connection refused", null)), null);
        status.cycleFinished(true, 1.5, 0.5, null);
        Heartbeat heartbeat = new Heartbeat("c".repeat(40), clock.instant().minusSeconds(90), 42);
        status.heartbeat(new HeartbeatStatus(Duration.ofMinutes(1), "origin", heartbeat,
                List.of("heartbeat 0123456789 from other: bad"), Map.of("bad_signature", 1), false));

        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(contentType(r)).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText.Scrape scrape = PrometheusText.parse(r.body());
        PrometheusText.assertDocumented(scrape,
                PrometheusText.documented(PrometheusText.doc("provider-agent.md"), "Health and metrics"), Set.of());

        assertThat(scrape.value("trustctl_agent_failures_total", Map.of("kind", "remote"))).isEqualTo(2);
        assertThat(scrape.value("trustctl_agent_failures_total", Map.of("kind", "hook"))).isZero();
        assertThat(scrape.value("trustctl_agent_cycles_total", Map.of("result", "ok"))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_applied_commit_info", Map.of("commit", commit))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_peers", Map.of())).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_invalid_files", Map.of())).isEqualTo(3);
        assertThat(scrape.value("trustctl_agent_replays_ignored", Map.of())).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_revoked_ids", Map.of())).isEqualTo(2);
        assertThat(scrape.value("trustctl_agent_output_files_changed_total", Map.of())).isEqualTo(4);
        assertThat(scrape.value("trustctl_agent_last_success_timestamp_seconds", Map.of()))
                .isEqualTo(status.lastSuccess().toEpochMilli() / 1000.0);
        assertThat(scrape.value("trustctl_agent_contract_effective_expiry_timestamp_seconds",
                Map.of("contract", "alice-carol"))).isEqualTo(expiry.getEpochSecond() + 60);
        assertThat(scrape.value("trustctl_agent_earliest_contract_expiry_timestamp_seconds", Map.of()))
                .isEqualTo(expiry.getEpochSecond());
        assertThat(scrape.value("trustctl_agent_last_cycle_duration_seconds", Map.of())).isEqualTo(1.5);
        assertThat(scrape.value("trustctl_agent_root_not_after_timestamp_seconds",
                Map.of("zone", "alice", "fingerprint", aliceRoot, "role", "own"))).isEqualTo(expiry.getEpochSecond() + 3600);
        assertThat(scrape.value("trustctl_agent_root_not_after_timestamp_seconds",
                Map.of("zone", "bob", "fingerprint", bobRoot, "role", "peer"))).isEqualTo(expiry.getEpochSecond() + 7200);
        assertThat(scrape.value("trustctl_agent_certificate_issuer_not_after_timestamp_seconds", Map.of()))
                .isEqualTo(expiry.getEpochSecond() + 3600);
        assertThat(scrape.value("trustctl_agent_expiry_warning_margin_seconds", Map.of())).isEqualTo(30 * 86400);
        // the clock is years before 2030: nothing ends within the default 30 days
        assertThat(scrape.value("trustctl_agent_expiry_warnings", Map.of())).isZero();
        assertThat(scrape.value("trustctl_agent_heartbeat_age_seconds", Map.of())).isGreaterThanOrEqualTo(90);
        assertThat(scrape.value("trustctl_agent_heartbeat_sequence", Map.of())).isEqualTo(42);
        assertThat(scrape.value("trustctl_agent_heartbeat_commit_info", Map.of("commit", "c".repeat(40)))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_heartbeat_stale", Map.of())).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_heartbeat_peers_withheld", Map.of())).isZero();
        assertThat(scrape.value("trustctl_agent_heartbeat_not_counted", Map.of("reason", "bad_signature"))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_heartbeat_not_counted", Map.of("reason", "future"))).isZero();
        String primary = "https://primary.example/git/contracts.git";
        String mirror = "https://mirror.example/contracts.git";
        assertThat(scrape.value("trustctl_agent_remote_up", Map.of("remote", primary))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_remote_up", Map.of("remote", mirror))).isZero();
        assertThat(scrape.value("trustctl_agent_remote_state", Map.of("remote", mirror, "state", "unreachable")))
                .isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_remote_state", Map.of("remote", mirror, "state", "current"))).isZero();
        assertThat(scrape.value("trustctl_agent_remote_head_info", Map.of("remote", primary, "commit", commit)))
                .isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_remote_last_fetch_timestamp_seconds", Map.of("remote", primary)))
                .isCloseTo(clock.instant().getEpochSecond(), org.assertj.core.data.Offset.offset(1.0));
        assertThat(scrape.value("trustctl_agent_remote_last_fetch_timestamp_seconds", Map.of("remote", mirror)))
                .isZero();
        assertThat(scrape.value("trustctl_agent_remotes_disagree", Map.of())).isZero();

        // series that follow the status: a new commit replaces the old one, dropped contracts leave
        status.applied("b".repeat(40));
        status.contractExpiries(Map.of());
        status.roots(List.of());
        PrometheusText.Scrape after = PrometheusText.parse(send("GET", "/metrics").body());
        assertThat(after.samples()).filteredOn(s -> s.name().equals("trustctl_agent_applied_commit_info"))
                .extracting(s -> s.labels().get("commit")).containsExactly("b".repeat(40));
        assertThat(after.types()).doesNotContainKey("trustctl_agent_contract_effective_expiry_timestamp_seconds");
        assertThat(after.types()).doesNotContainKey("trustctl_agent_root_not_after_timestamp_seconds");
        assertThat(after.value("trustctl_agent_earliest_contract_expiry_timestamp_seconds", Map.of())).isZero();
    }

    @Test
    void theFirstScrapeBeforeAnyCycleIsValidToo() throws Exception {
        PrometheusText.Scrape scrape = PrometheusText.parse(send("GET", "/metrics").body());
        // before a sync: no commit yet (an empty label), no contracts (no series), -1 peers
        assertThat(scrape.value("trustctl_agent_applied_commit_info", Map.of("commit", ""))).isEqualTo(1);
        assertThat(scrape.value("trustctl_agent_peers", Map.of())).isEqualTo(-1);
        assertThat(scrape.value("trustctl_agent_heartbeat_commit_info", Map.of("commit", ""))).isEqualTo(1);
        PrometheusText.assertDocumented(scrape,
                PrometheusText.documented(PrometheusText.doc("provider-agent.md"), "Health and metrics"),
                Set.of("trustctl_agent_contract_effective_expiry_timestamp_seconds",
                        // one series per remote, once a cycle fetched
                        "trustctl_agent_remote_up", "trustctl_agent_remote_state", "trustctl_agent_remote_head_info",
                        "trustctl_agent_remote_last_fetch_timestamp_seconds",
                        "trustctl_agent_root_not_after_timestamp_seconds"));
    }
}
