package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeScannerTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;
    @TempDir
    Path dir;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    void write(String path, Contract c) throws IOException {
        ContractFormat f = ContractFormat.forFileName(path).orElseThrow();
        write(path, ContractCodec.serialize(c, f));
    }

    void write(String path, byte[] content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    static List<Rule> rules(ScanResult r) {
        return r.problems().stream().map(Problem::rule).toList();
    }

    @Test
    void directoryWithValidContractsAndAnAdminReadme() throws IOException {
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
        write("contracts/bob-carol.pb", TestZone.signed("bob-carol", bob, carol));
        write("contracts/README.md", "admins: read me".getBytes(StandardCharsets.UTF_8));
        write("README.md", "top".getBytes(StandardCharsets.UTF_8));
        ScanResult r = new TreeScanner().scan(new DirectoryTree(dir), TestZone.NOW);
        assertThat(r.problems()).isEmpty();
        assertThat(r.valid()).extracting(VerifiedContract::path)
                .containsExactly("contracts/alice-bob.yaml", "contracts/bob-carol.pb");
    }

    @Test
    void invalidFilesAreReportedAndLeftOutWhileValidOnesStay() throws IOException {
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
        write("contracts/bob-carol.yaml", bob.sign(TestZone.draft("bob-carol", bob, carol)));
        ScanResult r = new TreeScanner().scan(new DirectoryTree(dir), TestZone.NOW);
        assertThat(r.valid()).extracting(VerifiedContract::name).containsExactly("alice-bob");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(p.file()).isEqualTo("contracts/bob-carol.yaml");
        });
    }

    @Test
    void idsAndNamesMustBeUniqueAcrossFiles() throws IOException {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        write("contracts/alice-bob.yaml", c);
        write("contracts/alice-bob.pb", c);
        ScanResult r = new TreeScanner().scan(new DirectoryTree(dir), TestZone.NOW);
        assertThat(r.valid()).isEmpty();
        assertThat(rules(r)).containsExactlyInAnyOrder(Rule.DUPLICATE_ID, Rule.DUPLICATE_ID,
                Rule.DUPLICATE_NAME, Rule.DUPLICATE_NAME);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString())
                .contains("contracts/alice-bob.pb: [duplicate-id] id " + c.getBody().getId()
                        + " is also used by contracts/alice-bob.yaml"));
    }

    @Test
    void layoutLimitsAndLinks() throws IOException {
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
        write("contracts/notes.txt", new byte[] {1});
        write("contracts/sub/x.yaml", new byte[] {1});
        write("contracts/Big.yaml", new byte[] {1});
        write("contracts/huge.yaml", new byte[2000]);
        Files.createSymbolicLink(dir.resolve("contracts/link.yaml"), dir.resolve("contracts/alice-bob.yaml"));
        ScanResult r = new TreeScanner(new ContractVerifier(), new ScanLimits(1000, 10))
                .scan(new DirectoryTree(dir), TestZone.NOW);
        assertThat(r.valid()).extracting(VerifiedContract::name).isEmpty(); // alice-bob is over 1000 bytes too
        assertThat(r.problems()).extracting(Problem::file, Problem::rule).contains(
                org.assertj.core.groups.Tuple.tuple("contracts/notes.txt", Rule.UNEXPECTED_FILE),
                org.assertj.core.groups.Tuple.tuple("contracts/sub/x.yaml", Rule.UNEXPECTED_FILE),
                org.assertj.core.groups.Tuple.tuple("contracts/Big.yaml", Rule.UNEXPECTED_FILE),
                org.assertj.core.groups.Tuple.tuple("contracts/huge.yaml", Rule.FILE_TOO_LARGE),
                org.assertj.core.groups.Tuple.tuple("contracts/link.yaml", Rule.SYMLINK));
    }

    @Test
    void tooManyFilesStopsReading() throws IOException {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        for (int i = 0; i < 4; i++) {
            write("contracts/c" + i + ".yaml", c);
        }
        ScanResult r = new TreeScanner(new ContractVerifier(), new ScanLimits(100_000, 3))
                .scan(new DirectoryTree(dir), TestZone.NOW);
        assertThat(rules(r)).contains(Rule.TOO_MANY_FILES);
    }

    @Test
    void gitTreeScanMatchesTheCheckoutAndSeesSymlinks() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
            write("contracts/.gitkeep", new byte[0]);
            Files.createSymbolicLink(dir.resolve("contracts/evil.yaml"), Path.of("/etc/passwd"));
            git.add().addFilepattern(".").call();
            ObjectId head = git.commit().setMessage("add").setSign(false)
                    .setAuthor("t", "t@example").setCommitter("t", "t@example").call();
            ScanResult r = new TreeScanner().scan(new GitTree(git.getRepository(), head, 1 << 20), TestZone.NOW);
            assertThat(r.valid()).extracting(VerifiedContract::name).containsExactly("alice-bob");
            assertThat(r.problems()).extracting(Problem::file, Problem::rule).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("contracts/evil.yaml", Rule.SYMLINK));
        }
    }

    @Test
    void rescanReusesVerificationsButRejudgesTime() throws Exception {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            write("contracts/alice-bob.yaml", c);
            git.add().addFilepattern(".").call();
            ObjectId head = git.commit().setMessage("add").setSign(false)
                    .setAuthor("t", "t@example").setCommitter("t", "t@example").call();
            TreeScanner scanner = new TreeScanner();
            GitTree tree = new GitTree(git.getRepository(), head, 1 << 20);
            assertThat(scanner.scan(tree, TestZone.NOW).valid()).hasSize(1);
            ScanResult later = scanner.scan(tree, TestZone.NOW.plus(java.time.Duration.ofDays(400)));
            assertThat(later.valid()).isEmpty();
            assertThat(rules(later)).containsExactly(Rule.EXPIRED);
        }
    }
}
