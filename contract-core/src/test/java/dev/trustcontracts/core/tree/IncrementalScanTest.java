package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rescan from a diff gives exactly what a full scan of the new tree gives. */
class IncrementalScanTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;
    static final ScanLimits LIMITS = new ScanLimits(64 * 1024, 100);
    @TempDir
    Path dir;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    void write(String path, byte[] content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    void write(String path, Contract c) throws IOException {
        write(path, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8));
    }

    ObjectId commit(Git git) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        return git.commit().setMessage("c").setSign(false).setAuthor("t", "t@example")
                .setCommitter("t", "t@example").call();
    }

    void assertSame(TreeScanner scanner, Git git, ObjectId from, ObjectId to, Instant... instants) throws IOException {
        GitTree fromTree = new GitTree(git.getRepository(), from, 1 << 20);
        GitTree toTree = new GitTree(git.getRepository(), to, 1 << 20);
        ScanState incremental = scanner.rescan(scanner.state(fromTree), toTree,
                GitTree.diff(git.getRepository(), from, to, 1 << 20));
        for (Instant now : instants) {
            ScanResult full = new TreeScanner(new ContractVerifier(), LIMITS).scan(toTree, now);
            assertThat(incremental.judge(now)).isEqualTo(full);
        }
    }

    @Test
    void rescanEqualsFullScanAcrossAdditionsDeletionsAndTypeChanges() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Contract ab = TestZone.signed("alice-bob", alice, bob);
            write("README.md", "top".getBytes(StandardCharsets.UTF_8));
            write("contracts/alice-bob.yaml", ab);
            write("contracts/alice-carol.yaml", TestZone.signed("alice-carol", alice, carol));
            write("contracts/notes.txt", "stray".getBytes(StandardCharsets.UTF_8));
            write("contracts/huge.yaml", new byte[70 * 1024]);
            write("contracts/half.yaml", alice.sign(TestZone.draft("half", alice, bob)));
            ObjectId a = commit(git);

            // B: one re-signed, one deleted, an id clash, a symlink, a stray file gone, a file turned into a directory
            write("contracts/alice-bob.yaml", alice.sign(ab)); // a new blob, the same id
            Files.delete(dir.resolve("contracts/alice-carol.yaml"));
            Files.delete(dir.resolve("contracts/notes.txt"));
            Files.delete(dir.resolve("contracts/huge.yaml"));
            Contract clash = TestZone.draft("clash", bob, carol);
            clash = clash.toBuilder().setBody(clash.getBody().toBuilder().setId(ab.getBody().getId())).build();
            write("contracts/clash.yaml", carol.sign(bob.sign(clash)));
            Files.createSymbolicLink(dir.resolve("contracts/link.yaml"), Path.of("alice-bob.yaml"));
            Files.delete(dir.resolve("contracts/half.yaml"));
            write("contracts/half.yaml/inner.yaml", "x".getBytes(StandardCharsets.UTF_8));
            ObjectId b = commit(git);

            TreeScanner scanner = new TreeScanner(new ContractVerifier(), LIMITS);
            Instant now = TestZone.NOW;
            Instant later = now.plus(Duration.ofDays(400));
            assertSame(scanner, git, a, b, now, later);
            assertSame(scanner, git, b, a, now, later);
            assertSame(scanner, git, a, a, now);

            ScanResult r = scanner.rescan(scanner.state(new GitTree(git.getRepository(), a, 1 << 20)),
                    new GitTree(git.getRepository(), b, 1 << 20), GitTree.diff(git.getRepository(), a, b, 1 << 20))
                    .judge(now);
            List<Rule> rules = new ArrayList<>(r.problems().stream().map(p -> p.rule()).toList());
            assertThat(rules).contains(Rule.DUPLICATE_ID, Rule.SYMLINK, Rule.UNEXPECTED_FILE)
                    .doesNotContain(Rule.FILE_TOO_LARGE);
        }
    }

    @Test
    void rescanFallsBackToAFullScanAtTheFileCountLimit() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            write("contracts/c1.yaml", TestZone.signed("c1", alice, bob));
            write("contracts/c2.yaml", TestZone.signed("c2", alice, carol));
            ObjectId a = commit(git);
            write("contracts/c0.yaml", TestZone.signed("c0", bob, carol));
            ObjectId b = commit(git);
            TreeScanner scanner = new TreeScanner(new ContractVerifier(), new ScanLimits(64 * 1024, 2));
            ScanState s = scanner.rescan(scanner.state(new GitTree(git.getRepository(), a, 1 << 20)),
                    new GitTree(git.getRepository(), b, 1 << 20), GitTree.diff(git.getRepository(), a, b, 1 << 20));
            assertThat(s.overLimit()).isTrue();
            ScanResult full = new TreeScanner(new ContractVerifier(), new ScanLimits(64 * 1024, 2))
                    .scan(new GitTree(git.getRepository(), b, 1 << 20), TestZone.NOW);
            assertThat(s.judge(TestZone.NOW)).isEqualTo(full);
            assertThat(full.problems()).extracting(p -> p.rule()).contains(Rule.TOO_MANY_FILES);
        }
    }
}
