package dev.trustcontracts.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Multi-file staging on a real file system: all staged files land together, or none is half-written. */
class AtomicStagingTest {
    @TempDir
    Path dir;

    @Test
    void stagedFilesReplaceTheirTargetsInOrderWithTheirModes() throws Exception {
        Files.writeString(dir.resolve("chain.pem"), "old-chain");
        try (AtomicFiles.Staging s = AtomicFiles.staging(dir)) {
            s.stage("key.pem", bytes("k"), AtomicFiles.PRIVATE);
            s.stage("chain.pem", bytes("c"), AtomicFiles.PUBLIC);
            // nothing a reader sees has changed before the commit
            assertThat(dir.resolve("key.pem")).doesNotExist();
            assertThat(dir.resolve("chain.pem")).hasContent("old-chain");
            assertThat(s.commit()).containsExactly("key.pem", "chain.pem");
        }
        assertThat(dir.resolve("key.pem")).hasContent("k");
        assertThat(dir.resolve("chain.pem")).hasContent("c");
        assertThat(mode("key.pem")).isEqualTo("rw-------");
        assertThat(mode("chain.pem")).isEqualTo("rw-r--r--");
        assertThat(temps()).isEmpty();
    }

    @Test
    void closingWithoutACommitLeavesEveryTargetAndNoTemp() throws Exception {
        Files.writeString(dir.resolve("a"), "old-a");
        try (AtomicFiles.Staging s = AtomicFiles.staging(dir)) {
            s.stage("a", bytes("new-a"), AtomicFiles.PUBLIC);
            s.stage("b", bytes("new-b"), AtomicFiles.PUBLIC);
            assertThat(temps()).hasSize(2);
        }
        assertThat(dir.resolve("a")).hasContent("old-a");
        assertThat(dir.resolve("b")).doesNotExist();
        assertThat(temps()).isEmpty();
    }

    /** A real rename failure: the second target is a non-empty directory, which no rename may replace. */
    @Test
    void aFailedRenameNamesWhatWasReplacedAndLeavesTheRestOld() throws Exception {
        Files.writeString(dir.resolve("a"), "old-a");
        Files.createDirectories(dir.resolve("b")).resolve("inside").toFile().createNewFile();
        Files.writeString(dir.resolve("c"), "old-c");
        try (AtomicFiles.Staging s = AtomicFiles.staging(dir)) {
            s.stage("a", bytes("new-a"), AtomicFiles.PUBLIC);
            s.stage("b", bytes("new-b"), AtomicFiles.PUBLIC);
            s.stage("c", bytes("new-c"), AtomicFiles.PUBLIC);
            assertThatThrownBy(s::commit).isInstanceOfSatisfying(AtomicFiles.PartialCommitException.class, e -> {
                assertThat(e.replaced()).containsExactly("a");
                assertThat(e.failure()).isInstanceOf(FileSystemException.class);
            });
        }
        assertThat(dir.resolve("a")).hasContent("new-a");
        assertThat(dir.resolve("b")).isDirectory();
        assertThat(dir.resolve("c")).hasContent("old-c");
        assertThat(temps()).isEmpty();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", ".", "..", "sub/file", "../escape", "/abs"})
    void onlyPlainFileNamesCanBeStaged(String name) throws Exception {
        try (AtomicFiles.Staging s = AtomicFiles.staging(dir)) {
            assertThatThrownBy(() -> s.stage(name, bytes("x"), AtomicFiles.PUBLIC))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(temps()).isEmpty();
    }

    @Test
    void aNameIsStagedOnce() throws Exception {
        try (AtomicFiles.Staging s = AtomicFiles.staging(dir)) {
            s.stage("a", bytes("1"), AtomicFiles.PUBLIC);
            assertThatThrownBy(() -> s.stage("a", bytes("2"), AtomicFiles.PUBLIC))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(temps()).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private String mode(String name) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)));
    }

    private List<Path> temps() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
