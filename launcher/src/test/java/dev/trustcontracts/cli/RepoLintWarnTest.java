package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.CGit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code repo lint --warn-within} on a real C git clone of a contract repository whose contracts end inside and
 * outside the margin for each reason (window, a participant's root, a signer certificate): the exact lines, soonest
 * first, and the exit codes with and without --fail-on-warning.
 */
class RepoLintWarnTest {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    @TempDir
    static Path dir;
    static Path checkout;
    static Zone alice;
    static Zone bob;
    static Zone dave;
    static Zone erin;
    static Zone frank;

    /** A zone whose root and signer certificate end when the test says. */
    record Zone(String name, KeyPair rootKeys, X509Certificate root, KeyPair signerKeys, X509Certificate signer) {
        static Zone create(String name, int rootDays, int signerDays) {
            KeyPair rk = KeyType.EC_P256.generate();
            X509Certificate root = CertificateIssuer.selfSignedRoot(new X500Name("CN=" + name + " root,O=" + name), rk,
                    NOW.minus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(rootDays)));
            KeyPair sk = KeyType.EC_P256.generate();
            X509Certificate signer = CertificateIssuer.issue(root, rk.getPrivate(), new X500Name("CN=admin@" + name),
                    sk.getPublic(), CertificateProfile.CONTRACT_SIGNER, NOW.minus(Duration.ofDays(2)),
                    NOW.plus(Duration.ofDays(signerDays)), List.of());
            return new Zone(name, rk, root, sk, signer);
        }

        ContractDraft.Zone zone() {
            return new ContractDraft.Zone(name, root, "");
        }

        String fingerprint() {
            return Fingerprint.of(root);
        }
    }

    /** A contract from a day ago ending {@code days} from now, signed by both zones. */
    static void contract(Path repo, String name, Zone a, Zone b, int days) throws Exception {
        Contract c = ContractDraft.create(name, List.of(a.zone(), b.zone()), NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(days + 1));
        for (Zone z : List.of(a, b)) {
            c = ContractSigner.sign(c, z.signerKeys().getPrivate(), List.of(z.signer(), z.root()), NOW.minusSeconds(60));
        }
        Files.writeString(repo.resolve("contracts/" + name + ".yaml"), ContractCodec.toYaml(c));
    }

    @BeforeAll
    static void repository() throws Exception {
        alice = Zone.create("alice", 3650, 730);
        bob = Zone.create("bob", 3650, 730);
        dave = Zone.create("dave", 10, 9); // dave's root ends in 10 days (its signer just before: the root is first)
        dave = new Zone("dave", dave.rootKeys(), dave.root(), dave.signerKeys(), CertificateIssuer.issue(dave.root(),
                dave.rootKeys().getPrivate(), new X500Name("CN=admin@dave"), dave.signerKeys().getPublic(),
                CertificateProfile.CONTRACT_SIGNER, NOW.minus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(10)),
                List.of()));
        erin = Zone.create("erin", 3650, 25); // erin's signer certificate ends in 25 days
        frank = Zone.create("frank", 40, 40); // frank's root ends in 40 days, after the window of bob-frank
        Path origin = dir.resolve("origin");
        Files.createDirectories(origin.resolve("contracts"));
        contract(origin, "alice-bob", alice, bob, 20);
        contract(origin, "alice-carol", alice, Zone.create("carol", 3650, 730), 364);
        contract(origin, "bob-dave", bob, dave, 300);
        contract(origin, "alice-erin", alice, erin, 300);
        contract(origin, "bob-frank", bob, frank, 30);
        assertThat(CGit.run(origin, "init", "-q", "-b", "main").exit()).isZero();
        assertThat(CGit.run(origin, "add", "contracts").exit()).isZero();
        assertThat(CGit.run(origin, "commit", "-q", "-m", "contracts").exit()).isZero();
        checkout = dir.resolve("checkout");
        CGit.Run clone = CGit.run(dir, "clone", "-q", origin.toString(), checkout.toString());
        assertThat(clone.exit()).as(clone.out()).isZero();
    }

    private static String at(int days) {
        return NOW.plus(Duration.ofDays(days)).toString();
    }

    static final String BOB_DAVE = "contracts/bob-dave.yaml: [ends-soon] bob-dave ends at " + at(10) + " (in 10 days): "
            + "dave's root (sha256 %s) ends first; rotate dave's root (trustctl pki rotate start in that zone), then: "
            + "trustctl contract rotate bob-dave --participant dave=NEXT.pem";
    static final String ALICE_BOB = "contracts/alice-bob.yaml: [ends-soon] alice-bob ends at " + at(20)
            + " (in 20 days): its window (not_after) ends first; renew: trustctl contract renew alice-bob";
    static final String ALICE_ERIN = "contracts/alice-erin.yaml: [ends-soon] alice-erin ends at " + at(25)
            + " (in 25 days): erin's signer certificate CN=admin@erin ends first; renew: trustctl contract renew "
            + "alice-erin";
    static final String BOB_FRANK = "contracts/bob-frank.yaml: [ends-soon] bob-frank ends at " + at(30) + " (in 30 days): "
            + "its window (not_after) ends first; ";

    @Test
    void eachMarginListsExactlyTheContractsEndingWithinItSoonestFirst() {
        record Case(String margin, List<String> lines) {
        }
        String bobDave = String.format(BOB_DAVE, dave.fingerprint());
        List<Case> cases = List.of(
                new Case("5d", List.of()),
                new Case("10d", List.of(bobDave)),
                new Case("21d", List.of(bobDave, ALICE_BOB)),
                // frank's root outlives bob-frank's window by 10 days: inside 30d renewing is enough ...
                new Case("30d", List.of(bobDave, ALICE_BOB, ALICE_ERIN,
                        BOB_FRANK + "renew: trustctl contract renew bob-frank")),
                // ... inside 40d a renewal would still end with frank's root: rotate it
                new Case("40d", List.of(bobDave, ALICE_BOB, ALICE_ERIN, BOB_FRANK + "rotate frank's root (trustctl pki "
                        + "rotate start in that zone), then: trustctl contract rotate bob-frank --participant "
                        + "frank=NEXT.pem")));
        for (Case c : cases) {
            Cli lint = Cli.run(CLOCK, "repo", "lint", "--warn-within", c.margin(), checkout.toString());
            assertThat(lint.exit()).as(lint.out() + lint.err()).isEqualTo(ExitCodes.OK);
            List<String> expected = new ArrayList<>(c.lines());
            expected.add("5 valid contracts, 0 problems, " + c.lines().size() + " ending within " + c.margin());
            assertThat(lint.out().lines().toList()).as("--warn-within " + c.margin()).isEqualTo(expected);

            Cli strict = Cli.run(CLOCK, "repo", "lint", "--warn-within", c.margin(), "--fail-on-warning",
                    checkout.toString());
            assertThat(strict.exit()).as("--fail-on-warning at " + c.margin())
                    .isEqualTo(c.lines().isEmpty() ? ExitCodes.OK : ExitCodes.WARNING);
            assertThat(strict.out()).isEqualTo(lint.out());
        }
    }

    @Test
    void withoutTheFlagLintIsUnchangedAndProblemsStillExit3() throws Exception {
        Cli plain = Cli.run(CLOCK, "repo", "lint", checkout.toString());
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).isEqualTo("5 valid contracts, 0 problems\n");

        // past dave's root the contract is a problem (exit 3), not a warning; the other warnings still print
        Cli later = Cli.run(Clock.fixed(NOW.plus(Duration.ofDays(11)), ZoneOffset.UTC), "repo", "lint",
                "--warn-within", "10d", "--fail-on-warning", checkout.toString());
        assertThat(later.exit()).as(later.out()).isEqualTo(ExitCodes.INVALID);
        assertThat(later.out()).contains("contracts/bob-dave.yaml: [", "expired at " + at(10),
                "contracts/alice-bob.yaml: [ends-soon] alice-bob ends at " + at(20) + " (in 9 days)")
                .endsWith("4 valid contracts, 2 problems, 1 ending within 10d\n");
    }

    @Test
    void failOnWarningNeedsAMarginAndTheMarginMustBePositive() {
        Cli alone = Cli.run(CLOCK, "repo", "lint", "--fail-on-warning", checkout.toString());
        assertThat(alone.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(alone.err()).contains("--fail-on-warning needs --warn-within");
        Cli zero = Cli.run(CLOCK, "repo", "lint", "--warn-within", "0s", checkout.toString());
        assertThat(zero.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("--warn-within must be positive");
        Cli junk = Cli.run(CLOCK, "repo", "lint", "--warn-within", "soon", checkout.toString());
        assertThat(junk.exit()).isEqualTo(ExitCodes.USAGE);
    }
}
