package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifetimes on the command line: the window maximum and --max-contract-window, the effective expiry in
 * verify and show, the signing warning, and lower-case extensions.
 */
class LifetimeCommandsTest {
    static TestZone alice;
    static TestZone bob;
    @TempDir
    Path dir;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path newContract(String validFor) throws Exception {
        Path file = dir.resolve("repo/contracts/alice-bob.yaml");
        Files.createDirectories(file.getParent());
        Cli created = Cli.run("contract", "new", "--max-contract-window", "1000d", "--name", "alice-bob",
                "--participant", "alice=" + write("alice/ca.pem", Pem.encode(alice.root)),
                "--participant", "bob=" + write("bob/ca.pem", Pem.encode(bob.root)),
                "--valid-for", validFor, "-o", file.toString(), "--force");
        assertThat(created.exit()).as(created.err()).isZero();
        return file;
    }

    private Cli sign(Path file, TestZone z, java.security.PrivateKey key, X509Certificate cert) throws Exception {
        return Cli.run("contract", "sign", file.toString(),
                "--key", write(z.name + "/key-" + cert.getSerialNumber() + ".pem", Pem.encode(key)).toString(),
                "--cert", write(z.name + "/cert-" + cert.getSerialNumber() + ".pem", Pem.encode(cert)).toString());
    }

    @Test
    void aWindowBeyondTheMaximumIsRefusedUnlessConfigured() throws Exception {
        Path file = newContract("500d");
        assertThat(sign(file, alice, alice.signerKeys.getPrivate(), alice.signer).exit()).isZero();
        assertThat(sign(file, bob, bob.signerKeys.getPrivate(), bob.signer).exit()).isZero();

        Cli verify = Cli.run("contract", "verify", file.toString());
        assertThat(verify.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(verify.out()).isEqualTo(file + ": [window-too-long] the window " + "" + windowOf(file)
                + " spans 500 days; at most 400 days is allowed\n");
        assertThat(Cli.run("repo", "lint", dir.resolve("repo").toString()).out()).contains("[window-too-long]");

        assertThat(Cli.run("contract", "verify", "--max-contract-window", "600d", file.toString()).exit()).isZero();
        Cli lint = Cli.run("repo", "lint", "--max-contract-window", "600d", dir.resolve("repo").toString());
        assertThat(lint.exit()).as(lint.out()).isZero();
        Cli bad = Cli.run("contract", "verify", "--max-contract-window", "0s", file.toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--max-contract-window must be positive");
    }

    @Test
    void contractNewRefusesAWindowBeyondTheMaximum() throws Exception {
        Cli refused = Cli.run("contract", "new", "--name", "alice-bob",
                "--participant", "alice=" + write("alice/ca.pem", Pem.encode(alice.root)),
                "--participant", "bob=" + write("bob/ca.pem", Pem.encode(bob.root)),
                "--valid-for", "401d", "-o", dir.resolve("alice-bob.yaml").toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--valid-for 401d is longer than the maximum contract window 400d");
        assertThat(dir.resolve("alice-bob.yaml")).doesNotExist();
    }

    private static String windowOf(Path file) throws Exception {
        String text = Files.readString(file);
        String nb = text.lines().filter(l -> l.startsWith("not_before: ")).findFirst().orElseThrow().substring(12);
        String na = text.lines().filter(l -> l.startsWith("not_after: ")).findFirst().orElseThrow().substring(11);
        return nb + " .. " + na;
    }

    @Test
    void signWarnsAndVerifyAndShowNameTheEffectiveExpiry() throws Exception {
        Path file = newContract("90d");
        // alice signs with a certificate that ends in ten days, before not_after
        KeyPair k = KeyType.EC_P256.generate();
        Instant now = Instant.now();
        X509Certificate shortSigner = CertificateIssuer.issue(alice.root, alice.rootKeys.getPrivate(),
                new X500Name("CN=short@alice"), k.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)), List.of());
        Cli signA = sign(file, alice, k.getPrivate(), shortSigner);
        assertThat(signA.exit()).as(signA.err()).isZero();
        assertThat(signA.err().lines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("warning: the signer certificate ends at " + shortSigner.getNotAfter().toInstant())
                .contains("before not_after"));
        Cli signB = sign(file, bob, bob.signerKeys.getPrivate(), bob.signer);
        assertThat(signB.exit()).isZero();
        assertThat(signB.err()).isEmpty();

        String expiry = shortSigner.getNotAfter().toInstant().toString();
        Cli verify = Cli.run("contract", "verify", file.toString());
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("until " + expiry + " (effective expiry: a root or signer certificate "
                + "ends before not_after");
        Cli show = Cli.run("contract", "show", file.toString());
        assertThat(show.out()).contains("expires    " + expiry + " (effective expiry");
    }

    @Test
    void upperCaseExtensionsAreNotContracts() throws Exception {
        Path file = newContract("30d");
        Path upper = Files.copy(file, dir.resolve("alice-bob.YAML"));
        Cli verify = Cli.run("contract", "verify", upper.toString());
        assertThat(verify.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(verify.err()).contains("a contract file ends in .yaml, .yml or .pb (lower case)");
        Files.move(file, file.resolveSibling("alice-bob.YML"));
        Cli lint = Cli.run("repo", "lint", dir.resolve("repo").toString());
        assertThat(lint.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(lint.out()).contains("contracts/alice-bob.YML: [unexpected-file]");
    }
}
