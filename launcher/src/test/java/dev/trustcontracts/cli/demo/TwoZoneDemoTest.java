package dev.trustcontracts.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's sequence end to end with real parts on real ports: repo-server, two PKIs, two agents,
 * two mTLS services. Every handshake outcome is asserted, and the web and gRPC mirrors agree. The repo-server
 * speaks only TLS, with a certificate from the demo's own CA: a client trusting the JVM's store is refused.
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
            // TLS on every link: a client that does not trust the demo's repo-server CA is refused
            assertThat(demo.httpUrl()).startsWith("https://127.0.0.1:");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(demo.httpUrl() + "/api/contracts")).build(),
                    HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("repo-server-tls").resolve("server-key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
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
                .contains("merge: 200")
                .contains("git https://127.0.0.1:");
    }
}
