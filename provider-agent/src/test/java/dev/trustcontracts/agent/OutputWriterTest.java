package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.output.OutputWriter.Output;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {
    @TempDir
    Path dir;

    private static Output out(String name, String content) {
        return new Output(name, content.getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC);
    }

    @Test
    void oneSubdirectoryIsWrittenWithTheRestRemovalsGoBeforeTheStateAndNothingEscapesTheDirectory() throws Exception {
        OutputWriter w = new OutputWriter(dir);
        assertThat(w.write(List.of(out("spiffe/a.example.json", "a1"), out("spiffe/b.example.json", "b1"),
                out("chain.pem", "c1"), out(OutputLayout.STATE, "s1"))))
                .containsExactly("spiffe/a.example.json", "spiffe/b.example.json", "chain.pem", OutputLayout.STATE);
        assertThat(w.write(List.of(out("spiffe/a.example.json", "a1"), out("chain.pem", "c2"),
                out(OutputLayout.STATE, "s2")), List.of("spiffe/b.example.json", "spiffe/never-written.json")))
                .containsExactly("chain.pem", "spiffe/b.example.json", OutputLayout.STATE);
        assertThat(dir.resolve("spiffe/b.example.json")).doesNotExist();
        assertThat(Files.readString(dir.resolve("spiffe/a.example.json"))).isEqualTo("a1");
        for (String bad : List.of("../x", "spiffe/../../x", "a/b/c", ".hidden", "spiffe/.x", "/etc/passwd", "spiffe/")) {
            assertThatThrownBy(() -> out(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.write(List.of(), List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writesOnlyWhatChangedWithItsMode() throws Exception {
        OutputWriter w = new OutputWriter(dir);
        List<Output> first = List.of(new Output("key.pem", "k1".getBytes(), AtomicFiles.PRIVATE), out("chain.pem", "c1"));
        assertThat(w.write(first)).containsExactly("key.pem", "chain.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("chain.pem")))).isEqualTo("rw-r--r--");
        assertThat(w.write(first)).isEmpty();
        assertThat(w.write(List.of(new Output("key.pem", "k1".getBytes(), AtomicFiles.PRIVATE), out("chain.pem", "c2"))))
                .containsExactly("chain.pem");
        // a mode widened by hand is put back
        Files.setPosixFilePermissions(dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(w.differing(first)).containsExactly("key.pem", "chain.pem");
        assertThat(Files.readString(dir.resolve("chain.pem"))).isEqualTo("c2");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aFailedWriteLeavesEveryOldFileIntact() throws Exception {
        OutputWriter w = new OutputWriter(dir);
        w.write(List.of(out("ca.pem", "old-ca"), out("chain.pem", "old-chain")));
        // a real refusal from the file system, even for root: the directory is made immutable
        assumeTrue(chattr("+i"), "chattr +i is not available here; skipping the real write-failure test");
        try {
            assertThatThrownBy(() -> w.write(List.of(out("ca.pem", "new-ca"), out("chain.pem", "new-chain"))))
                    .isInstanceOf(SyncException.class)
                    .satisfies(e -> assertThat(((SyncException) e).kind()).isEqualTo(FailureKind.WRITE))
                    .hasMessageContaining("old files kept");
        } finally {
            chattr("-i");
        }
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo("old-ca");
        assertThat(Files.readString(dir.resolve("chain.pem"))).isEqualTo("old-chain");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void staleTempFilesAreRemoved() throws Exception {
        Files.writeString(dir.resolve(".chain.pem.123.tmp"), "half");
        Files.writeString(dir.resolve("chain.pem"), "whole");
        new OutputWriter(dir).removeStaleTemps();
        assertThat(leftovers()).isEmpty();
        assertThat(dir.resolve("chain.pem")).hasContent("whole");
    }

    private List<Path> leftovers() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private boolean chattr(String flag) {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
