package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.core.heartbeat.HeartbeatVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo-server heartbeat-key}, and the heartbeat flags of repo-server and agent refusing what does not fit. */
class HeartbeatCommandsTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void heartbeatKeyWritesAPrivateKeyAndItsCertificateAndNeverOverwrites() throws Exception {
        Path dir = tmp.resolve("hb");
        Cli made = Cli.run(Clock.fixed(NOW, ZoneOffset.UTC), "repo-server", "heartbeat-key", "--out", dir.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        Path key = dir.resolve(HeartbeatKey.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(made.out()).contains(key.toString()).contains("heartbeat.pem").contains("ec-p256");
        assertThat(made.out()).doesNotContain("PRIVATE KEY");
        X509Certificate cert = Pem.certificate(Files.readString(dir.resolve(HeartbeatKey.CERT_FILE)));
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW);
        assertThat(cert.getBasicConstraints()).as("no CA").isEqualTo(-1);
        HeartbeatKey loaded = HeartbeatKey.load(key, dir.resolve(HeartbeatKey.CERT_FILE));
        Heartbeat h = new Heartbeat("0".repeat(40), NOW, 1);
        assertThat(new HeartbeatVerifier(cert).verify(loaded.signer().sign(h))).isEqualTo(h);

        byte[] before = Files.readAllBytes(key);
        Cli again = Cli.run("repo-server", "heartbeat-key", "--out", dir.toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err().lines()).singleElement().asString()
                .contains("exists: a heartbeat key is never overwritten");
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void theServerRefusesAKeyOthersCanReadWithOneLine() throws Exception {
        Path dir = tmp.resolve("hb");
        assertThat(Cli.run("repo-server", "heartbeat-key", "--out", dir.toString()).exit()).isZero();
        Files.setPosixFilePermissions(dir.resolve(HeartbeatKey.KEY_FILE), PosixFilePermissions.fromString("rw-r-----"));
        Cli refused = Cli.run("repo-server", "--data", tmp.resolve("data").toString(), "--listen", "127.0.0.1:0",
                "--grpc-listen", "127.0.0.1:0", "--heartbeat-key", dir.resolve(HeartbeatKey.KEY_FILE).toString(),
                "--heartbeat-cert", dir.resolve(HeartbeatKey.CERT_FILE).toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err().lines()).singleElement().asString()
                .contains("heartbeat.key is readable by its group or by everyone; chmod 600 it");
    }

    @Test
    void halfAHeartbeatConfigurationIsAUsageError() {
        Cli server = Cli.run("repo-server", "--data", tmp.resolve("data").toString(), "--heartbeat-every", "30s");
        assertThat(server.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(server.err()).contains("--heartbeat-every needs --heartbeat-key and --heartbeat-cert");
        Cli keyOnly = Cli.run("repo-server", "--data", tmp.resolve("data").toString(), "--heartbeat-key", "k");
        assertThat(keyOnly.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(keyOnly.err()).contains("give both --heartbeat-key and --heartbeat-cert");

        Cli agent = Cli.run("agent", "--remote", tmp.toUri().toString(), "--pki", "127.0.0.1:1", "--pki-plaintext",
                "--out", tmp.resolve("out").toString(), "--once", "--max-staleness", "5m");
        assertThat(agent.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(agent.err()).contains("--max-staleness and --distrust-peers-when-stale need --heartbeat-cert");
    }

    @Test
    void anAgentWithAnUnreadableHeartbeatCertStopsWithOneLineNamingIt() throws Exception {
        Path bad = tmp.resolve("not-a-cert.pem");
        Files.writeString(bad, "hello\n");
        Cli agent = Cli.run("agent", "--remote", tmp.toUri().toString(), "--pki", "127.0.0.1:1", "--pki-plaintext",
                "--out", tmp.resolve("out").toString(), "--once", "--heartbeat-cert", bad.toString());
        assertThat(agent.exit()).isNotZero();
        assertThat(agent.err().lines()).singleElement().asString().contains("heartbeat certificate " + bad);
    }
}
