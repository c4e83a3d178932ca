package dev.trustcontracts.reposerver;

import dev.trustcontracts.testing.PrometheusText;
import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped over real HTTP is valid Prometheus text, and names exactly the metrics of the operator
 * guide's table (docs/repo-server.md, section Metrics) with their documented types and labels.
 */
class MetricsExpositionTest {
    @TempDir
    Path tmp;

    @Test
    void theScrapeIsValidAndHoldsEveryDocumentedMetricAndNoOther() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            ObjectId bad = Fixture.commit(git, main.name(),
                    change().contract("contracts/a-b.yaml", TestZone.draft("a-b", ALICE, BOB)));
            assertThat(Fixture.pushMain(git, bad).ok()).isFalse();
            ObjectId good = Fixture.commit(git, main.name(),
                    change().contract("contracts/a-b.yaml", TestZone.signed("a-b", ALICE, BOB)));
            assertThat(Fixture.pushMain(git, good).ok()).isTrue();
            git.close();

            Http.Response r = Http.get(fx.server.httpUrl() + "/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            PrometheusText.Scrape scrape = PrometheusText.parse(r.body());
            PrometheusText.assertDocumented(scrape,
                    PrometheusText.documented(PrometheusText.doc("repo-server.md"), "Metrics"), Set.of());

            assertThat(scrape.value("trustctl_server_contracts", Map.of())).isEqualTo(1);
            assertThat(scrape.value("trustctl_server_pushes_total",
                    Map.of("result", "accepted", "target", "main", "rule", "none"))).isEqualTo(1);
            assertThat(scrape.value("trustctl_server_pushes_total",
                    Map.of("result", "rejected", "target", "main", "rule", "signature-missing"))).isEqualTo(1);
            assertThat(scrape.value("trustctl_server_validation_seconds_count", Map.of("target", "main")))
                    .isGreaterThanOrEqualTo(2);
            // known label sets are there before their first event
            assertThat(scrape.value("trustctl_server_logins_refused_total", Map.of("reason", "throttled"))).isZero();
            assertThat(scrape.value("trustctl_server_git_busy_total", Map.of("scope", "client"))).isZero();
        }
    }

    /** The reader the test above relies on refuses what Prometheus would refuse. */
    @Test
    void theReaderRefusesBrokenExposition() {
        String ok = "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"v\"} 1.0\n";
        assertThat(PrometheusText.parse(ok).value("a_total", Map.of("k", "v"))).isEqualTo(1);
        assertThat(PrometheusText.parse("# TYPE s summary\ns{quantile=\"0.5\"} 1.5E-3\ns_count 2\ns_sum 0.004\n")
                .value("s_count", Map.of())).isEqualTo(2);
        assertThatThrownBy(() -> PrometheusText.parse("a_total 1\n")).hasMessageContaining("without a TYPE line");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{k=v} 1\n")).hasMessageContaining("malformed labels");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{k=\"v\" 1\n")).hasMessageContaining("neither");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na one\n")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1\na 2\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"y\"} 1\n"))
                .hasMessageContaining("not together");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1\n# TYPE a gauge\n")).hasMessageContaining("TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a wobble\n")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1")).hasMessageContaining("line feed");
    }
}
