package dev.trustcontracts.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's sequence end to end with real parts on real ports: repo-server, two PKIs, two agents,
 * two mTLS services. Every handshake outcome is asserted, and the web and gRPC mirrors agree.
 */
class TwoZoneDemoTest {
    @TempDir
    Path dir;

    @Test
    void trustAppearsWithTheContractAndGoesWithTheFile() throws Exception {
        StringWriter text = new StringWriter();
        DemoReport report;
        try (TwoZoneDemo demo = new TwoZoneDemo(dir, new Narrator(new PrintWriter(text, true)), Duration.ofSeconds(5))) {
            report = demo.run();
        }
        assertThat(report.checks).extracting(DemoReport.Check::step, c -> c.result().ok()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("no contract yet", false),
                org.assertj.core.groups.Tuple.tuple("after the merge", true),
                org.assertj.core.groups.Tuple.tuple("after the revocation", false),
                org.assertj.core.groups.Tuple.tuple("after the replay", false));
        assertThat(report.checks.get(1).result().peerSubject()).contains("svc.bob");
        assertThat(report.checks.get(1).result().response()).contains("hello from bob").contains("svc.alice");
        assertThat(report.jsonPeers).hasSize(1).isEqualTo(report.grpcPeers);
        // the server refuses the replay with the reason, so main and the agents never move to it
        assertThat(report.replayPush).isEqualTo(org.eclipse.jgit.transport.RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
        assertThat(report.replayRefusal).contains("contracts/alice-bob.yaml: [replay] id ")
                .contains("was removed from main in commit");
        assertThat(text.toString())
                .contains("merge now: 4")           // refused while bob has not signed
                .contains("[signature-missing]")
                .contains("merge: 200");
    }
}
