package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractCommandTest {
    static TestZone alice;
    static TestZone bob;
    @TempDir
    Path dir;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
    }

    /** Writes a zone's root, admin key and admin certificate as an admin would have them. */
    Path zoneFiles(TestZone z) throws Exception {
        Path d = Files.createDirectories(dir.resolve(z.name));
        Files.writeString(d.resolve("ca.pem"), Pem.encode(z.root));
        Files.writeString(d.resolve("admin-key.pem"), Pem.encode(z.signerKeys.getPrivate()));
        Files.writeString(d.resolve("admin.pem"), Pem.encode(z.signer));
        return d;
    }

    @Test
    void newSignVerifyShowLint() throws Exception {
        Path a = zoneFiles(alice);
        Path b = zoneFiles(bob);
        Path file = dir.resolve("repo/contracts/alice-bob.yaml");
        Files.createDirectories(file.getParent());

        Cli created = Cli.run("contract", "new", "--name", "alice-bob", "--participant", "alice=" + a.resolve("ca.pem"),
                "--participant", "bob=" + b.resolve("ca.pem"), "--valid-for", "30d", "-o", file.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("wrote " + file).contains("between alice, bob");

        Cli unsigned = Cli.run("contract", "verify", file.toString());
        assertThat(unsigned.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(unsigned.out().lines()).containsExactly(
                file + ": [signature-missing] participant alice: has not signed",
                file + ": [signature-missing] participant bob: has not signed");

        Cli signA = Cli.run("contract", "sign", file.toString(), "--key", a.resolve("admin-key.pem").toString(),
                "--cert", a.resolve("admin.pem").toString(), "--chain", a.resolve("ca.pem").toString());
        assertThat(signA.exit()).as(signA.err()).isZero();
        assertThat(signA.out()).contains("as participant alice (1 of 2 participants have signed)");
        Cli signB = Cli.run("contract", "sign", file.toString(), "--key", b.resolve("admin-key.pem").toString(),
                "--cert", b.resolve("admin.pem").toString());
        assertThat(signB.exit()).as(signB.err()).isZero();

        Cli valid = Cli.run("contract", "verify", file.toString());
        assertThat(valid.exit()).isZero();
        assertThat(valid.out()).startsWith(file + ": valid: alice-bob between alice, bob, until ");

        Cli show = Cli.run("contract", "show", file.toString());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("contract   alice-bob").contains("signed ").contains("by CN=admin@bob")
                .contains("status     valid now");
        // readable names and keys: the root's serial-number attribute by name, the key with its curve
        assertThat(show.out()).doesNotContain("2.5.4.5").containsPattern("by CN=admin@bob \\(EC P-256, sha256:[0-9a-f]{64}\\)");

        Cli lint = Cli.run("repo", "lint", dir.resolve("repo").toString());
        assertThat(lint.exit()).isZero();
        assertThat(lint.out()).isEqualTo("1 valid contract, 0 problems\n");

        Files.writeString(file, Files.readString(file).replaceFirst("not_after: \\d{4}", "not_after: 2099"));
        Cli tampered = Cli.run("contract", "verify", file.toString());
        assertThat(tampered.exit()).isEqualTo(ExitCodes.INVALID);
        Cli lintBad = Cli.run("repo", "lint", dir.resolve("repo").toString());
        assertThat(lintBad.exit()).isEqualTo(ExitCodes.INVALID);
        // a 2099 not_after also breaks the window maximum
        assertThat(lintBad.out()).contains("[signature-invalid]").contains("[window-too-long]")
                .endsWith("0 valid contracts, 3 problems\n");
    }

    /** A participant with a next root: new takes CA.pem,NEXT.pem; it signs with each root; show lists both. */
    @Test
    void aParticipantWithANextRootSignsWithEachRoot() throws Exception {
        Path a = zoneFiles(alice);
        Path b = zoneFiles(bob);
        TestZone next = TestZone.create("alice");
        Files.writeString(a.resolve("next-ca.pem"), Pem.encode(next.root));
        Files.writeString(a.resolve("next-ca-key.pem"), Pem.encode(next.rootKeys.getPrivate()));
        Path file = dir.resolve("contracts/alice-bob.yaml");
        Files.createDirectories(file.getParent());

        Cli created = Cli.run("contract", "new", "--name", "alice-bob", "--participant",
                "alice=" + a.resolve("ca.pem") + "," + a.resolve("next-ca.pem"),
                "--participant", "bob=" + b.resolve("ca.pem"), "--valid-for", "30d", "-o", file.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(Files.readString(file)).contains("    next:\n      certificate: |");

        assertThat(Cli.run("contract", "sign", file.toString(), "--key", a.resolve("admin-key.pem").toString(),
                "--cert", a.resolve("admin.pem").toString()).exit()).isZero();
        assertThat(Cli.run("contract", "sign", file.toString(), "--key", b.resolve("admin-key.pem").toString(),
                "--cert", b.resolve("admin.pem").toString()).exit()).isZero();
        Cli half = Cli.run("contract", "verify", file.toString());
        assertThat(half.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(half.out()).contains("[signature-missing] participant alice: has not signed with its next root (sha256:"
                + dev.trustcontracts.core.crypto.Fingerprint.of(next.root) + ")");

        // the next root's key itself signs (or a contract signer issued from it)
        Cli signNext = Cli.run("contract", "sign", file.toString(), "--key", a.resolve("next-ca-key.pem").toString(),
                "--cert", a.resolve("next-ca.pem").toString());
        assertThat(signNext.exit()).as(signNext.err()).isZero();
        assertThat(Cli.run("contract", "verify", file.toString()).exit()).isZero();

        Cli show = Cli.run("contract", "show", file.toString());
        assertThat(show.out()).contains("    next root      sha256:" + dev.trustcontracts.core.crypto.Fingerprint.of(next.root))
                .contains("by CN=admin@alice").contains("by O=alice,CN=alice test root").contains("status     valid now");

        Cli three = Cli.run("contract", "new", "--name", "x", "--participant", "alice=a.pem,b.pem,c.pem",
                "--participant", "bob=" + b.resolve("ca.pem"), "-o", dir.resolve("x.yaml").toString());
        assertThat(three.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(three.err()).contains("--participant alice=a.pem,b.pem,c.pem: give CA.pem, or CA.pem,NEXT.pem");
    }

    /** Every subcommand reads "now" from the clock given to the root command, none from a static. */
    @Test
    void everyCommandTakesNowFromTheInjectedClock() throws Exception {
        Path a = zoneFiles(alice);
        Path b = zoneFiles(bob);
        Path file = dir.resolve("repo/contracts/alice-bob.yaml");
        Files.createDirectories(file.getParent());
        Instant start = TestZone.NOW.minus(Duration.ofHours(1));
        Clock fixed = Clock.fixed(start.plusMillis(750), ZoneOffset.UTC);
        Cli created = Cli.run(fixed, "contract", "new", "--name", "alice-bob", "--participant",
                "alice=" + a.resolve("ca.pem"), "--participant", "bob=" + b.resolve("ca.pem"), "--valid-for", "30d",
                "-o", file.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("valid until " + start.plus(Duration.ofDays(30)));
        for (Path z : List.of(a, b)) {
            Cli signed = Cli.run(fixed, "contract", "sign", file.toString(), "--key",
                    z.resolve("admin-key.pem").toString(), "--cert", z.resolve("admin.pem").toString());
            assertThat(signed.exit()).as(signed.err()).isZero();
        }
        Cli show = Cli.run(fixed, "contract", "show", file.toString());
        assertThat(show.out()).contains("valid      " + start + " .. " + start.plus(Duration.ofDays(30)))
                .contains("signed " + start + " by CN=admin@alice").contains("status     valid now");

        Clock late = Clock.fixed(start.plus(Duration.ofDays(31)), ZoneOffset.UTC);
        assertThat(Cli.run(late, "contract", "verify", file.toString()).exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(Cli.run(late, "contract", "show", file.toString()).out()).contains("status     NOT valid now");
        Cli lint = Cli.run(late, "repo", "lint", dir.resolve("repo").toString());
        assertThat(lint.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(lint.out()).contains("[expired]");
        assertThat(Cli.run(fixed, "repo", "lint", dir.resolve("repo").toString()).exit()).isZero();
    }

    @Test
    void signingForAZoneNotInTheContractIsOneLine() throws Exception {
        Path a = zoneFiles(alice);
        Path b = zoneFiles(bob);
        Path c = zoneFiles(TestZone.create("carol"));
        Path file = dir.resolve("alice-bob.yaml");
        assertThat(Cli.run("contract", "new", "--name", "alice-bob", "--participant", "alice=" + a.resolve("ca.pem"),
                "--participant", "bob=" + b.resolve("ca.pem"), "-o", file.toString()).exit()).isZero();
        String before = Files.readString(file);
        Cli r = Cli.run("contract", "sign", file.toString(), "--key", c.resolve("admin-key.pem").toString(),
                "--cert", c.resolve("admin.pem").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err().lines()).containsExactly("trustctl contract sign: " + file
                + ": the signer certificate CN=admin@carol does not chain to any participant's root");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void badInputGetsOneLineAndNoStackTrace() throws Exception {
        Path a = zoneFiles(alice);
        Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n");
        Cli badPem = Cli.run("contract", "new", "--name", "x", "--participant", "alice=" + a.resolve("ca.pem"),
                "--participant", "bob=" + dir.resolve("bad.pem"), "-o", dir.resolve("x.yaml").toString());
        assertThat(badPem.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(badPem.err().lines()).singleElement().asString().startsWith("trustctl contract new: " + dir.resolve("bad.pem") + ": malformed PEM");

        Cli missing = Cli.run("contract", "verify", dir.resolve("nope.yaml").toString());
        assertThat(missing.err().lines()).containsExactly("trustctl contract verify: no such file: " + dir.resolve("nope.yaml"));

        Files.writeString(dir.resolve("x.yaml"), "name: x\nbogus: 1\n");
        Cli malformed = Cli.run("contract", "show", dir.resolve("x.yaml").toString());
        assertThat(malformed.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(malformed.err().lines()).containsExactly("trustctl contract show: " + dir.resolve("x.yaml")
                + ":2: bogus: unknown field 'bogus'");

        Cli one = Cli.run("contract", "new", "--name", "x", "--participant", "alice=" + a.resolve("ca.pem"),
                "-o", dir.resolve("y.yaml").toString());
        assertThat(one.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(one.err()).contains("at least two --participant");

        Cli noRepo = Cli.run("repo", "lint", dir.toString());
        assertThat(noRepo.err()).contains("has no contracts/ directory");
    }

    @Test
    void helpEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"contract", "--help"}, {"contract", "new", "--help"},
                {"contract", "sign", "--help"}, {"contract", "verify", "--help"}, {"contract", "show", "--help"},
                {"repo", "lint", "--help"}}) {
            Cli r = Cli.run(args);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("Usage: trustctl");
        }
    }
}
