package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A quarantine sees the repository's objects, adds its own, and gives them up only when published. */
class QuarantineTest {
    @TempDir
    Path tmp;

    @Test
    void objectsStayOutUntilPublishedAndGoAwayOnClose() throws Exception {
        try (Repository main = new FileRepository(tmp.resolve("r.git").toFile())) {
            main.create(true);
            ObjectId old;
            try (ObjectInserter ins = main.newObjectInserter()) {
                old = ins.insert(Constants.OBJ_BLOB, "already there".getBytes(StandardCharsets.UTF_8));
                ins.flush();
            }
            ObjectId refused;
            Path dir;
            try (Quarantine q = Quarantine.open(main)) {
                try (ObjectInserter ins = q.repository().newObjectInserter()) {
                    refused = ins.insert(Constants.OBJ_BLOB, "a private key".getBytes(StandardCharsets.UTF_8));
                    ins.flush();
                }
                assertThat(q.repository().getObjectDatabase().has(old)).as("the repository's objects").isTrue();
                assertThat(q.repository().getObjectDatabase().has(refused)).isTrue();
                assertThat(main.getObjectDatabase().has(refused)).isFalse();
                dir = q.repository().getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory od
                        ? od.getDirectory().toPath().getParent() : null;
                assertThat(dir).exists();
            }
            assertThat(dir).doesNotExist();
            assertThat(main.getObjectDatabase().has(refused)).isFalse();

            ObjectId accepted;
            try (Quarantine q = Quarantine.open(main)) {
                try (ObjectInserter ins = q.repository().newObjectInserter()) {
                    accepted = ins.insert(Constants.OBJ_BLOB, "a note".getBytes(StandardCharsets.UTF_8));
                    ins.flush();
                }
                q.publish();
                assertThat(q.published()).isTrue();
            }
            assertThat(main.getObjectDatabase().has(accepted)).isTrue();
            assertThat(main.open(accepted).getBytes()).isEqualTo("a note".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void leftoversOfACrashAreClearedAtStart() throws Exception {
        try (Repository main = new FileRepository(tmp.resolve("r.git").toFile())) {
            main.create(true);
            Path stale = main.getDirectory().toPath().resolve(Quarantine.DIRECTORY).resolve("incoming-x/objects/pack");
            Files.createDirectories(stale);
            Files.writeString(stale.resolve("pack-1.pack"), "junk");
            Quarantine.clearStale(main);
            assertThat(main.getDirectory().toPath().resolve(Quarantine.DIRECTORY)).doesNotExist();
        }
    }
}
