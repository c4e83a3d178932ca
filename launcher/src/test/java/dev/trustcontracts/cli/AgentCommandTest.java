package dev.trustcontracts.cli;

import dev.trustcontracts.testing.Kubeconfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneCa;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustctl agent} as an operator runs it, against a real PKI on a real port and a real repository. */
class AgentCommandTest {
    @TempDir
    Path dir;
    AgentZone zone;
    PkiServer pki;
    ZoneCa ca;
    String remote;

    @BeforeEach
    void setUp() throws Exception {
        zone = AgentZone.create(dir);
        pki = zone.pki();
        ca = zone.ca();
        remote = zone.remote();
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    @Test
    void helpNamesEveryOption() {
        Cli r = Cli.run("agent", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Usage: trustctl agent", "--remote", "--pki", "--pki-token-file", "--out",
                "--interval", "--notify", "--on-change", "--name", "--listen", "--once", "--git-credentials-file",
                "--keystore-password-file", "--accept-head", "--expiry-warning", "--pki-check-every", "--pki-ca", "--pki-fingerprint", "--pki-plaintext",
                "--notify-ca", "--notify-plaintext", "--remote-ca", "--remote-username", "--remote-password-file",
                "--remote-token-file", "--ssh-key", "--ssh-known-hosts", "--spiffe-trust-domain-suffix");
    }

    @Test
    void kubernetesOutputsAreCheckedAsUsageAndAnUnreachableApiServerFailsTheCycleWithOneLine() throws Exception {
        Path out = dir.resolve("out");
        assertThat(Cli.run("agent", "--help").out()).contains("--out-kubernetes-secret", "--out-kubernetes-configmap",
                "--kubeconfig");
        Cli bad = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", out.toString(), "--out-kubernetes-secret", "alice-tls");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().lines()).singleElement().asString().isEqualTo(
                "trustctl agent: --out-kubernetes-secret takes NAMESPACE/NAME, not 'alice-tls'");
        Cli upper = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", out.toString(), "--out-kubernetes-configmap",
                "Trust/bundle");
        assertThat(upper.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(upper.err()).startsWith("trustctl agent: --out-kubernetes-configmap Trust/bundle: namespace "
                + "'Trust' is not a DNS label");

        // nothing listens where the kubeconfig points: the files are written, the cycle fails on the Secret alone
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Path kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), closed, "default");
        Cli down = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", out.toString(), "--out-kubernetes-secret",
                "trust/alice-tls", "--kubeconfig", kubeconfig.toString());
        assertThat(down.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(down.err().lines()).singleElement().asString().isEqualTo("trustctl agent: [kubernetes] cannot "
                + "reach the API server http://127.0.0.1:" + closed + "/ to read Secret trust/alice-tls: connection "
                + "refused; it keeps its last content, retried next cycle");
        assertThat(out.resolve(OutputLayout.CERT)).exists();
    }

    @Test
    void onceSyncsAndSaysSo() {
        Path out = dir.resolve("out");
        Cli r = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("agent: synced ").contains("0 peer(s)", OutputLayout.CHAIN);
        // every file the operator guide lists (docs/provider-agent.md §3)
        assertThat(OutputLayout.FILES).containsExactly("ca.pem", "cert.pem", "key.pem", "chain.pem", "keystore.p12",
                "truststore.p12", "keystore.pass", "agent-state.json", "spiffe/<trust-domain>.json",
                "spiffe/bundles.json");
        for (String f : OutputLayout.FILES.subList(0, 8)) {
            assertThat(out.resolve(f)).exists();
        }
        // the SPIFFE bundles only with --spiffe-trust-domain-suffix
        assertThat(out.resolve(OutputLayout.SPIFFE_DIR)).doesNotExist();
        Cli again = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-ca", dir.resolve("ca/ca.pem").toString(), "--out", out.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("no file changed");
    }

    @Test
    void theSpiffeSuffixWritesTheBundleMapAndABadOneIsRefusedInOneLine() throws Exception {
        Path out = dir.resolve("out");
        Cli r = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", out.toString(), "--spiffe-trust-domain-suffix",
                "mesh.test");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(OutputLayout.SPIFFE_BUNDLE_MAP);
        // no contract names this zone yet: an empty map, no domain file
        assertThat(java.nio.file.Files.readString(out.resolve(OutputLayout.SPIFFE_BUNDLE_MAP)))
                .contains("\"trust_domains\" : { }");

        Cli bad = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", dir.resolve("out2").toString(),
                "--spiffe-trust-domain-suffix", "Mesh.Test");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().strip()).isEqualTo("trustctl agent: --spiffe-trust-domain-suffix 'Mesh.Test' is not a "
                + "SPIFFE trust domain suffix (lowercase letters, digits, '.', '-', '_'; no leading or trailing dot)");
    }

    @Test
    void onceFailsWithOneLineAndExitCodeOne() {
        Cli r = Cli.run("agent", "--once", "--remote", dir.resolve("missing.git").toUri().toString(), "--pki",
                "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", dir.resolve("out").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).startsWith("trustctl agent: [remote] fetch from ").doesNotContain("\tat ");
    }

    @Test
    void thePinMayBeGivenTwiceForTheCurrentAndTheNextRootButNotThreeTimes() {
        Path out = dir.resolve("out");
        // the second pin stands for the next root of a rotation pinned by hand (not yet published here)
        Cli twice = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", "ab".repeat(32), "--pki-fingerprint", ca.fingerprint(), "--out", out.toString());
        assertThat(twice.exit()).as(twice.err()).isZero();
        Cli thrice = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--pki-fingerprint", ca.fingerprint(), "--pki-fingerprint",
                ca.fingerprint(), "--out", out.toString());
        assertThat(thrice.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(thrice.err()).contains("--pki-fingerprint is given at most twice");
    }

    @Test
    void withoutAPinTheAgentRefusesToStartAndAWrongPinIsRefused() {
        Path out = dir.resolve("out");
        Cli none = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(), "--out",
                out.toString());
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err().lines()).singleElement().asString()
                .startsWith("trustctl agent: no pin for the zone's root: give --pki-ca FILE");
        assertThat(out.resolve("ca.pem")).doesNotExist();

        Cli wrong = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", "00".repeat(32), "--out", out.toString());
        assertThat(wrong.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrong.err().lines()).singleElement().asString()
                .startsWith("trustctl agent: [pki] PKI 127.0.0.1:" + pki.port() + " GetCA failed: UNAVAILABLE: "
                        + "TLS handshake refused: the server's certificate chain does not include the pinned zone root");

        Cli malformed = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", "xyz", "--out", out.toString());
        assertThat(malformed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err()).contains("--pki-fingerprint takes the zone root's SHA-256 as 64 hex digits");
    }

    @Test
    void pkiCheckEveryIsValidatedWithOneLine() {
        for (String bad : new String[] {"500ms", "0s"}) {
            Cli r = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                    "--pki-fingerprint", ca.fingerprint(), "--out", dir.resolve("out").toString(),
                    "--pki-check-every", bad);
            assertThat(r.exit()).as(bad).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines()).singleElement().asString()
                    .isEqualTo("trustctl agent: --pki-check-every must be at least 1s");
        }
        Cli ok = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out", dir.resolve("out").toString(), "--pki-check-every", "2s");
        assertThat(ok.exit()).as(ok.err()).isZero();
    }

    @Test
    void onceExitsOneWhenTheOnChangeCommandFailsAndRunsItAgainNextTime() throws Exception {
        Path out = dir.resolve("out");
        Path fixed = dir.resolve("fixed");
        String[] args = {"agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
            "--pki-ca", dir.resolve("ca/ca.pem").toString(), "--out",
            out.toString(), "--on-change", "test -f '" + fixed + "'"};
        Cli failed = Cli.run(args);
        assertThat(failed.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(failed.err()).startsWith("trustctl agent: [hook] the --on-change command exited with 1")
                .doesNotContain("\tat ");
        // no change in the repository since: the next run still owes the command, and succeeds once it does
        Files.writeString(fixed, "");
        Cli again = Cli.run(args);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("no file changed");
    }

    @Test
    void onceExitsOneWhenThePkiRefusesTheCertificate() {
        Cli r = Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
            "--pki-ca", dir.resolve("ca/ca.pem").toString(), "--out",
                dir.resolve("out").toString(), "--name", "mallory.example");
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).startsWith("trustctl agent: [pki] certificate renewal failed: no certificate yet")
                .contains("mallory.example").doesNotContain("\tat ");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(Cli.run("agent", "--once", "--remote", remote, "--pki", "127.0.0.1:" + pki.port(),
                "--pki-fingerprint", ca.fingerprint(), "--out",
                dir.resolve("out").toString(), "--accept-head", "abc").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("agent", "--remote", remote, "--out", "x").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("agent", "--once", "--remote", remote, "--pki", "nonsense", "--out", "x").exit())
                .isEqualTo(ExitCodes.USAGE);
    }
}
