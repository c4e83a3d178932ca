package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.pki.CertificateKeeper;
import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Failures that must not stay silent: a failing --on-change command and a PKI that does not renew a certificate
 * due for renewal each fail the cycle (so --once exits non-zero), are retried, and make /healthz say why over
 * real HTTP, until they are fixed.
 */
class SilentFailuresTest extends AgentFixture {
    private static final HttpClient HTTP = HttpClient.newHttpClient();


    private AgentConfig config(Consumer<AgentConfig.Builder> custom) {
        AgentConfig.Builder b = config().interval(Duration.ofSeconds(1));
        custom.accept(b);
        return b.build();
    }

    /** A command that records each attempt and fails until the file {@code fixed} exists. */
    private String flakyCommand(Path attempts, Path fixed) {
        return "echo try >> '" + attempts + "'; test -f '" + fixed + "'";
    }

    @Test
    void aFailedOnChangeFailsTheCycleAndIsRunAgainWithoutAnyNewChange() throws Exception {
        Path attempts = tmp.resolve("attempts");
        Path fixed = tmp.resolve("fixed");
        try (Agent a = new Agent(config(b -> b.onChange(flakyCommand(attempts, fixed)).clock(clock)));
             AgentHttp http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), a.status(), Duration.ofHours(1),
                     AgentConfig.DEFAULT_EXPIRY_WARNING, clock)) {
            String health = "http://127.0.0.1:" + http.address().getPort() + "/healthz";
            CycleResult first = a.runOnce();
            assertThat(first.failure()).isEqualTo(FailureKind.HOOK);
            assertThat(first.message()).contains("exited with 1").contains("run again with backoff");
            assertThat(new AgentStateStore(out).load().pendingHook()).as("still owed").contains(OutputLayout.CHAIN);
            HttpResponse<String> degraded = get(health);
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(degraded.body()).contains("\"status\" : \"degraded\"", "on-change: the --on-change command exited with 1");
            assertThat(get(health.replace("healthz", "metrics")).body()).contains("trustctl_agent_on_change_failing 1",
                    "trustctl_agent_failures_total{kind=\"hook\"} 1");

            // nothing changes in the repository: the command is run again all the same
            assertThat(a.runOnce().failure()).isEqualTo(FailureKind.HOOK);
            assertThat(Files.readAllLines(attempts)).hasSize(2);

            Files.writeString(fixed, "");
            CycleResult ok = a.runOnce();
            assertThat(ok.ok()).as(ok.toString()).isTrue();
            assertThat(Files.readAllLines(attempts)).hasSize(3);
            assertThat(new AgentStateStore(out).load().pendingHook()).isEmpty();
            assertThat(get(health).statusCode()).isEqualTo(200);
            assertThat(a.status().hookProblem()).isNull();
            a.runOnce();
            assertThat(Files.readAllLines(attempts)).as("not run again once it succeeded").hasSize(3);
        }
    }

    @Test
    void theRunningAgentRetriesAFailedOnChangeWithBackoffUntilItSucceeds() throws Exception {
        Path attempts = tmp.resolve("attempts");
        Path fixed = tmp.resolve("fixed");
        try (Agent a = new Agent(config(b -> b.onChange(flakyCommand(attempts, fixed))
                .listen(new InetSocketAddress("127.0.0.1", 0))))) {
            a.start();
            String health = "http://127.0.0.1:" + a.httpAddress().getPort() + "/healthz";
            Await.until("three failed runs", Duration.ofSeconds(30),
                    () -> Files.exists(attempts) && lines(attempts) >= 3);
            HttpResponse<String> degraded = get(health);
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(degraded.body()).contains("on-change: ");
            Files.writeString(fixed, "");
            Await.until("healthy after the command succeeded", Duration.ofSeconds(30),
                    () -> get(health).statusCode() == 200);
            assertThat(a.status().failures(FailureKind.HOOK)).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aPkiThatIsDownWhenRenewalIsDueFailsTheCycleAndDegradesHealth() throws Exception {
        try (Agent a = new Agent(config(b -> b.clock(clock)));
             AgentHttp http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), a.status(), Duration.ofDays(30),
                     AgentConfig.DEFAULT_EXPIRY_WARNING, clock)) {
            String health = "http://127.0.0.1:" + http.address().getPort() + "/healthz";
            assertThat(a.runOnce().ok()).isTrue();
            X509Certificate leaf = Outputs.cert(out);
            alice.stop();
            // a good certificate: the PKI being away is reported, but the cycle succeeds
            clock.advance(CertificateKeeper.CHECK_EVERY.plusSeconds(1));
            assertThat(a.runOnce().ok()).isTrue();
            // two thirds of its lifetime passed: renewal is due and cannot happen
            Duration life = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
            clock.advance(life.multipliedBy(3).dividedBy(4));
            CycleResult r = a.runOnce();
            assertThat(r.failure()).as(r.toString()).isEqualTo(FailureKind.PKI);
            assertThat(r.message()).startsWith("certificate renewal failed: two thirds of its lifetime passed");
            HttpResponse<String> degraded = get(health);
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(degraded.body()).contains("certificate: renewal failed: two thirds of its lifetime passed");
            assertThat(get(health.replace("healthz", "metrics")).body())
                    .contains("trustctl_agent_certificate_renewal_failing 1");
            assertThat(Outputs.cert(out)).as("the current certificate is kept").isEqualTo(leaf);

            alice.restart();
            clock.advance(CertificateKeeper.RETRY_EVERY.plusSeconds(1));
            CycleResult renewed = a.runOnce();
            assertThat(renewed.ok()).as(renewed.toString()).isTrue();
            assertThat(Outputs.cert(out)).isNotEqualTo(leaf);
            assertThat(get(health).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPkiThatRefusesTheNameFailsTheCycle() throws Exception {
        try (Agent a = new Agent(config(b -> b.name("mallory.example").clock(clock)))) {
            CycleResult r = a.runOnce();
            assertThat(r.failure()).as(r.toString()).isEqualTo(FailureKind.PKI);
            assertThat(r.message()).startsWith("certificate renewal failed: no certificate yet and the PKI did not "
                    + "issue one: ").contains("mallory.example");
            assertThat(a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ZERO))
                    .anySatisfy(p -> assertThat(p).startsWith("certificate: renewal failed: no certificate yet"));
        }
    }

    private static int lines(Path p) {
        try {
            return Files.readAllLines(p).size();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
