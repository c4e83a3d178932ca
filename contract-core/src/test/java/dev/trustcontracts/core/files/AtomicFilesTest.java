package dev.trustcontracts.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void privateFilesAre0600AndNoTempFileRemains() throws Exception {
        Path key = dir.resolve("key.pem");
        AtomicFiles.createNew(key, "secret".getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThatThrownBy(() -> AtomicFiles.createNew(key, new byte[0], AtomicFiles.PRIVATE))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(key)).isEqualTo("secret");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("key.pem");
        }
    }

    @Test
    void writeIfChangedReportsChangesOnly() throws Exception {
        Path f = dir.resolve("chain.pem");
        assertThat(AtomicFiles.writeIfChanged(f, new byte[] {1}, AtomicFiles.PUBLIC)).isTrue();
        assertThat(AtomicFiles.writeIfChanged(f, new byte[] {1}, AtomicFiles.PUBLIC)).isFalse();
        assertThat(AtomicFiles.writeIfChanged(f, new byte[] {2}, AtomicFiles.PUBLIC)).isTrue();
        assertThat(Files.readAllBytes(f)).containsExactly(2);
    }

    @Test
    void aFailedReplaceLeavesTheTargetAndNoTempFile() throws Exception {
        Path target = dir.resolve("chain.pem");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, "new".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(java.io.IOException.class);
        assertThat(Files.readString(target.resolve("keep"))).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("chain.pem");
        }
    }

    @Test
    void ofWritersRacingToCreateTheSameFileExactlyOneWins() throws Exception {
        Path target = dir.resolve("ca-key.pem");
        int writers = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String content = "writer " + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        AtomicFiles.createNew(target, content.getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE);
                        return content;
                    } catch (FileAlreadyExistsException e) {
                        return null;
                    }
                }));
            }
            java.util.List<String> winners = new java.util.ArrayList<>();
            for (var f : results) {
                String w = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (w != null) {
                    winners.add(w);
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(Files.readString(target)).isEqualTo(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("ca-key.pem");
        }
    }
}
