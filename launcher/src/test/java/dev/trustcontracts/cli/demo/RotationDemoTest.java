package dev.trustcontracts.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.cli.Cli;
import dev.trustcontracts.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustctl demo --rotate} end to end, in real time: the repo-server, two PKIs, two agents (asking their PKI
 * every second) and bob's mTLS service on real ports; alice's root is rotated and the contract renewed under the
 * client loop. Zero failed handshakes, handshakes with a certificate of each of alice's roots, and alice's old root
 * in no bundle at the end (both agents' chain.pem, ca.pem and truststore.p12, the repo-server's JSON and gRPC
 * answers). No rate is asserted: a loaded machine is slow, a failed handshake is what must fail the test. Every wait
 * inside is bounded (30 s a step), and the whole run too.
 */
class RotationDemoTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void alicesRootIsRotatedAndTheContractRenewedWithoutOneFailedHandshake() throws Exception {
        StringWriter text = new StringWriter();
        RotationReport r;
        List<String> aliceCa;
        List<String> bobChain;
        try (RotationDemo demo = new RotationDemo(dir, new Narrator(new PrintWriter(text, true)), Duration.ofSeconds(1))) {
            r = demo.run();
            aliceCa = RotationDemo.roots(demo.zones().alice().out(), OutputLayout.CA);
            bobChain = RotationDemo.roots(demo.zones().bob().out(), OutputLayout.CHAIN);
        }
        System.out.println(text);
        System.out.printf("[rotation-demo] %d handshakes in %.1f s (%.1f/s), %d failed, renewal %d ms after the switch%n",
                r.handshakes(), r.ran().toNanos() / 1e9, r.rate(), r.failures().size(), r.switchToRenewal().toMillis());
        assertThat(r.failures()).as("failed handshakes").isEmpty();
        assertThat(r.oldRootFoundIn()).as("bundles still holding alice's old root").isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.newRoot()).isNotEqualTo(r.oldRoot());
        // alice's client presented certificates of both roots: the renewal from the new root happened under the loop
        assertThat(r.withOldRoot()).isPositive();
        assertThat(r.withNewRoot()).isPositive();
        assertThat(r.withOldRoot() + r.withNewRoot()).isEqualTo(r.handshakes());
        assertThat(aliceCa).containsExactly(r.newRoot());
        assertThat(bobChain).contains(r.newRoot()).doesNotContain(r.oldRoot());
        // the narration names every step and what comes next
        assertThat(text.toString()).contains("pki rotate start", "trustctl contract rotate alice-bob --participant alice=",
                "pki rotate switch", "trustctl contract rotate alice-bob --drop-old alice", "pki rotate finish",
                "trustctl contract renew alice-bob", "next: ", "merge rotate-alice-start: 200");
    }

    @Test
    void theCommandLineOffersTheScenarioAndRefusesABadIntervalWithOneLine() {
        Cli help = Cli.run("demo", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--rotate", "--interval");
        Cli bad = Cli.run("demo", "--rotate", "--interval", "0s", "--dir", dir.toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().lines()).singleElement().asString().isEqualTo("trustctl demo: --interval must be positive");
    }
}
