package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What renew and rotate write, file by file (the merge through a real server: {@link SuccessorMergeTest}). */
class SuccessorCommandsTest {
    @TempDir
    Path dir;

    @Test
    void renewKeepsFormatRootsNextRootAndTrustDomainsWithANewIdAndWindow() throws Exception {
        TestZone alice = TestZone.create("alice");
        TestZone next = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        Files.writeString(dir.resolve("a.pem"), Pem.encode(alice.root));
        Files.writeString(dir.resolve("n.pem"), Pem.encode(next.root));
        Files.writeString(dir.resolve("b.pem"), Pem.encode(bob.root));
        Path file = Files.createDirectories(dir.resolve("contracts")).resolve("alice-bob.pb");
        Instant start = TestZone.NOW.minus(Duration.ofDays(10));
        Cli made = Cli.run(Clock.fixed(start, ZoneOffset.UTC), "contract", "new", "--name", "alice-bob", "--participant",
                "alice=" + dir.resolve("a.pem") + "," + dir.resolve("n.pem"), "--participant", "bob=" + dir.resolve("b.pem"),
                "--trust-domain", "bob=bob.example", "--valid-for", "200d", "-o", file.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        ContractBody old = read(file).getBody();

        Clock now = Clock.fixed(TestZone.NOW, ZoneOffset.UTC);
        Cli renewed = Cli.run(now, "contract", "renew", "alice-bob", "--repo", dir.toString(),
                "--max-contract-window", "90d");
        assertThat(renewed.exit()).as(renewed.err()).isZero();
        Contract c = read(file);
        ContractBody b = c.getBody();
        assertThat(b.getId()).isNotEqualTo(old.getId());
        assertThat(b.getName()).isEqualTo("alice-bob");
        assertThat(b.getParticipantsList()).isEqualTo(old.getParticipantsList());
        assertThat(b.getParticipants(0).getNext().getHash()).isEqualTo(Fingerprint.of(next.root));
        assertThat(b.getParticipants(1).getTrustDomain()).isEqualTo("bob.example");
        assertThat(c.getSignaturesList()).isEmpty();
        // from now; the predecessor's 200 days capped by the maximum window given
        assertThat(b.getNotBefore().getSeconds()).isEqualTo(TestZone.NOW.getEpochSecond());
        assertThat(b.getNotAfter().getSeconds()).isEqualTo(TestZone.NOW.plus(Duration.ofDays(90)).getEpochSecond());
        assertThat(renewed.out()).contains("every listed root signs (3 signatures)");

        Cli longer = Cli.run(now, "contract", "renew", file.toString(), "--valid-for", "30d");
        assertThat(longer.exit()).as(longer.err()).isZero();
        assertThat(read(file).getBody().getNotAfter().getSeconds())
                .isEqualTo(TestZone.NOW.plus(Duration.ofDays(30)).getEpochSecond());

        // a next root that has expired makes a successor that could never be valid: refused, nothing written
        byte[] before = Files.readAllBytes(file);
        Clock late = Clock.fixed(TestZone.NOW.plus(Duration.ofDays(3700)), ZoneOffset.UTC);
        Cli expired = Cli.run(late, "contract", "renew", file.toString(), "--valid-for", "30d");
        assertThat(expired.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(expired.err().lines()).singleElement().asString()
                .startsWith("trustctl contract renew: the successor would not be valid, nothing written: ")
                .contains("[certificate-validity]");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void helpForBoth() {
        for (String cmd : new String[] {"renew", "rotate"}) {
            Cli r = Cli.run("contract", cmd, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("Usage: trustctl contract " + cmd).contains("--valid-for").contains("--repo");
        }
    }

    private static Contract read(Path file) throws Exception {
        return ContractCodec.parse(Files.readAllBytes(file), ContractFormat.PROTOBUF);
    }
}
