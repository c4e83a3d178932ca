package dev.trustcontracts.reposerver.git;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Where the objects of one push wait until the push is accepted: a private object directory under
 * {@code contracts.git/quarantine/}, with the real object database as its alternate, so the push is judged
 * with every object visible while nothing it brought is in the repository. {@link #publish} moves the
 * received pack into the repository just before the refs move; {@link #close} deletes whatever is left. The
 * objects of a refused push therefore never become readable (not by fetch, not by id, not as a file) and
 * never accumulate on disk.
 */
final class Quarantine implements AutoCloseable {
    static final String DIRECTORY = "quarantine";

    private final Repository main;
    private final Path dir;
    private final Repository repository;
    private volatile boolean published;

    private Quarantine(Repository main, Path dir, Repository repository) {
        this.main = main;
        this.dir = dir;
        this.repository = repository;
    }

    /** A fresh quarantine for one push into {@code main} (a bare file repository). */
    static Quarantine open(Repository main) throws IOException {
        Path dir = main.getDirectory().toPath().resolve(DIRECTORY).resolve("incoming-" + UUID.randomUUID());
        Path objects = dir.resolve("objects");
        Files.createDirectories(objects.resolve("pack"));
        try {
            Repository r = new FileRepositoryBuilder()
                    .setGitDir(main.getDirectory())
                    .setObjectDirectory(objects.toFile())
                    .addAlternateObjectDirectory(main.getObjectDatabase() instanceof ObjectDirectory od
                            ? od.getDirectory() : new File(main.getDirectory(), "objects"))
                    .setBare()
                    .build();
            return new Quarantine(main, dir, r);
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** Deletes quarantines left behind by a crash (at start, before any push). */
    static void clearStale(Repository main) throws IOException {
        delete(main.getDirectory().toPath().resolve(DIRECTORY));
    }

    /** The repository to receive into and judge with: the refs of the real one, its objects plus the push's. */
    Repository repository() {
        return repository;
    }

    /**
     * Moves the received objects into the real repository (packs, index last, and any loose objects), so
     * that they are there before a ref points at them.
     */
    void publish() throws IOException {
        published = true;
        ObjectDirectory target = (ObjectDirectory) main.getObjectDatabase();
        Path objects = dir.resolve("objects");
        Path packs = objects.resolve("pack");
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packs, "pack-*.idx")) {
            ds.forEach(indexes::add);
        }
        for (Path idx : indexes) {
            String base = idx.getFileName().toString().replaceFirst("\\.idx$", "");
            if (Files.exists(target.getPackDirectory().toPath().resolve(base + ".idx"))) {
                continue; // the same objects are already there (a pack's name is its objects' hash)
            }
            // the pack and its companions first, the index last: a reader only opens a pack that has an index
            for (String ext : List.of(".pack", ".rev", ".bitmap")) {
                Path p = packs.resolve(base + ext);
                if (Files.exists(p)) {
                    move(p, target.getPackDirectory().toPath().resolve(base + ext));
                }
            }
            Path movedIdx = target.getPackDirectory().toPath().resolve(base + ".idx");
            move(idx, movedIdx);
            target.openPack(target.getPackDirectory().toPath().resolve(base + ".pack").toFile());
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(objects, "[0-9a-f][0-9a-f]")) {
            for (Path fanout : ds) {
                Path to = target.getDirectory().toPath().resolve(fanout.getFileName());
                Files.createDirectories(to);
                try (DirectoryStream<Path> loose = Files.newDirectoryStream(fanout)) {
                    for (Path o : loose) {
                        Path t = to.resolve(o.getFileName());
                        if (!Files.exists(t)) {
                            move(o, t);
                        }
                    }
                }
            }
        }
    }

    /** Whether {@link #publish} ran (the push was accepted, or got as far as moving refs). */
    boolean published() {
        return published;
    }

    @Override
    public void close() throws IOException {
        repository.close();
        delete(dir);
    }

    /** {@link #close}, for a path that is already failing. */
    void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // the next start clears what is left
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
