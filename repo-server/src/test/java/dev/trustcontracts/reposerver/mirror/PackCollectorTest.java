package dev.trustcontracts.reposerver.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real bare repository with one pack per "fetch", as a mirror's fills up. */
class PackCollectorTest {
    @TempDir
    Path dir;

    @Test
    void packsOverTheThresholdAreRepackedOnceTheyAreOlderThanJgitsExpiry() throws Exception {
        try (Repository repo = FileRepositoryBuilder.create(dir.resolve("m.git").toFile())) {
            repo.create(true);
            PackCollector collector = new PackCollector(3);
            for (int i = 0; i < 3; i++) {
                addPack(repo, i);
            }
            assertThat(collector.maybeCollect(repo)).as("at the threshold: nothing to do").isFalse();
            assertThat(packs(repo)).isEqualTo(3);

            addPack(repo, 3);
            ageEveryPack(repo, Duration.ofHours(2));
            assertThat(collector.maybeCollect(repo)).isTrue();
            assertThat(packs(repo)).as("old packs repacked: the count is back under the threshold").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void packsYoungerThanTheExpiryStayWhichIsWhyTheThresholdIsAboveAnHourOfFetches() throws Exception {
        try (Repository repo = FileRepositoryBuilder.create(dir.resolve("m.git").toFile())) {
            repo.create(true);
            for (int i = 0; i < 4; i++) {
                addPack(repo, i);
            }
            assertThat(new PackCollector(3).maybeCollect(repo)).isTrue();
            assertThat(packs(repo)).as("JGit keeps packs younger than an hour for readers").isGreaterThanOrEqualTo(4);
        }
    }

    private static void addPack(Repository repo, int i) throws Exception {
        try (PackInserter ins = ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()) {
            ins.insert(Constants.OBJ_BLOB, ("heartbeat " + i).getBytes(StandardCharsets.UTF_8));
            ins.flush();
        }
    }

    private static void ageEveryPack(Repository repo, Duration age) throws Exception {
        File packDir = new File(repo.getDirectory(), "objects/pack");
        FileTime old = FileTime.from(Instant.now().minus(age));
        for (File f : packDir.listFiles()) {
            Files.setLastModifiedTime(f.toPath(), old);
        }
    }

    private static int packs(Repository repo) {
        ObjectDirectory od = (ObjectDirectory) repo.getObjectDatabase();
        return od.getPacks().size();
    }
}
