package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneCa;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustctl agent} configured by a file alone (docs/configuration.md), against a real PKI on a real port
 * and a real repository: what the file says is what the agent does.
 */
class AgentConfigFileTest {
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

    private Path config(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void aFileAloneConfiguresAOneShotSync() throws Exception {
        Path out = dir.resolve("out");
        Path marker = dir.resolve("changed");
        Path f = config("# everything the agent needs, nothing on the command line\n"
                + "remote: " + remote + "\n"
                + "pki: 127.0.0.1:" + pki.port() + "\n"
                + "pki-fingerprint:\n  - " + ca.fingerprint() + "\n"
                + "out: " + out + "\n"
                + "name: web.alice\n"
                + "on-change: \"touch '" + marker + "'\"\n"
                + "once: true\n");
        Cli r = Cli.run(Map.of(), "agent", "--config", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("agent: synced ").contains(OutputLayout.CHAIN);
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(out.resolve("cert.pem"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(cert.getSubjectX500Principal().getName()).as("--name from the file").contains("CN=web.alice");
        assertThat(marker).as("--on-change from the file ran").exists();
    }

    @Test
    void theEnvironmentNamesTheFileAndOverridesItAndFlagsOverrideBoth() throws Exception {
        Path f = config("remote: " + dir.resolve("missing.git").toUri() + "\n"
                + "pki: 127.0.0.1:" + pki.port() + "\n"
                + "pki-fingerprint: [" + ca.fingerprint() + "]\n"
                + "out: " + dir.resolve("out") + "\n");
        Map<String, String> env = Map.of("TRUSTCTL_AGENT_CONFIG", f.toString());
        Cli fileOnly = Cli.run(env, "agent", "--once");
        assertThat(fileOnly.exit()).as("the file's remote does not exist").isEqualTo(ExitCodes.FAILURE);
        assertThat(fileOnly.err()).startsWith("trustctl agent: [remote] fetch from ");

        Cli envWins = Cli.run(Map.of("TRUSTCTL_AGENT_CONFIG", f.toString(), "TRUSTCTL_AGENT_REMOTE", remote), "agent",
                "--once");
        assertThat(envWins.exit()).as(envWins.err()).isZero();
        assertThat(envWins.out()).startsWith("agent: synced ");

        Cli flagWins = Cli.run(Map.of("TRUSTCTL_AGENT_CONFIG", f.toString(), "TRUSTCTL_AGENT_REMOTE", remote), "agent",
                "--once", "--remote", dir.resolve("missing.git").toUri().toString());
        assertThat(flagWins.exit()).isEqualTo(ExitCodes.FAILURE);
    }
}
