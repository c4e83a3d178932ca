package dev.trustcontracts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load run's harness against a real repo-server (a child JVM): 20 simulated agents, two changes made
 * through the API (a merge and a revocation). Every agent must be counted as having fetched each change and
 * been told of it on its watch stream; a server killed mid-run must show up as errors, and the run must
 * still end at its deadline.
 */
class LoadRunTest {
    private static LoadRun.Settings small(Duration drain) {
        return small(drain, 0);
    }

    private static LoadRun.Settings small(Duration drain, int mirrors) {
        // 5 s with a change every 2 s: changes at 2 s and 4 s
        return new LoadRun.Settings(20, 12, 4, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1),
                4, 2, drain, 10, mirrors);
    }

    @Test
    void everyAgentIsCountedForEveryChange(@TempDir Path tmp) throws Exception {
        LoadRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> LoadRun.run(small(Duration.ofSeconds(30)), tmp, (i, server) -> {
                }));

        assertThat(r.firstErrors()).isEmpty();
        assertThat(r.errors()).isZero();
        assertThat(r.streamsConnected()).isEqualTo(20);
        assertThat(r.watchSubscribersOnServer()).isEqualTo(20);
        assertThat(r.changes()).hasSize(2);
        assertThat(r.changes().get(0).kind()).startsWith("merge");
        assertThat(r.changes().get(1).kind()).startsWith("revoke");
        for (LoadRun.ChangeResult c : r.changes()) {
            assertThat(c.seenBy()).as("agents that fetched change %d", c.index()).isEqualTo(20);
            assertThat(c.fetchedMs()).hasSize(20);
            assertThat(c.notifiedMs()).as("agents told of change %d by their stream", c.index()).hasSize(20);
        }
        assertThat(r.changes().get(0).commit()).isNotEqualTo(r.changes().get(1).commit());
        // two changes reached 20 agents: at least 40 fetches brought a new main, each a real HTTP request
        assertThat(r.fetches()).isGreaterThanOrEqualTo(40);
        assertThat(r.httpRequests()).isGreaterThanOrEqualTo(r.polls());
        assertThat(r.serverCpuMs()).isPositive();
        assertThat(r.rssWithStreamsKiB()).isPositive();
    }

    /** The agents spread over two mirrors of the primary: every change reaches every agent through a mirror. */
    @Test
    void everyAgentOfTwoMirrorsIsCountedForEveryChange(@TempDir Path tmp) throws Exception {
        LoadRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(180),
                () -> LoadRun.run(small(Duration.ofSeconds(30), 2), tmp, (i, server) -> {
                }));

        assertThat(r.firstErrors()).isEmpty();
        assertThat(r.errors()).isZero();
        assertThat(r.streamsConnected()).isEqualTo(20);
        // the streams are on the mirrors (10 each), none of the agents' on the primary
        assertThat(r.watchSubscribersOnServer()).isEqualTo(20);
        assertThat(r.changes()).hasSize(2);
        for (LoadRun.ChangeResult c : r.changes()) {
            assertThat(c.seenBy()).as("agents that fetched change %d", c.index()).isEqualTo(20);
            assertThat(c.notifiedMs()).as("agents told of change %d by their mirror's stream", c.index()).hasSize(20);
        }
        assertThat(r.serverCpuMs()).isPositive();
        assertThat(r.primaryCpuMs()).isPositive();
    }

    @Test
    void aServerKilledMidRunGivesErrorsNotAHang(@TempDir Path tmp) throws Exception {
        long start = System.nanoTime();
        LoadRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> LoadRun.run(small(Duration.ofSeconds(3)), tmp, (i, server) -> {
                    if (i == 0) {
                        server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }));

        assertThat(r.errors()).isPositive();
        // the second change could not be made, and polls and streams failed
        assertThat(r.changes()).hasSizeLessThan(2);
        assertThat(r.firstErrors()).anySatisfy(e -> assertThat(e).containsAnyOf("fetch", "watch stream", "revoke"));
        assertThat(r.seconds()).isLessThan(5 + 3 + 5);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(120));
    }
}
