package dev.trustcontracts.agent.output;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a set of output files, each atomically and only when its content (or mode) differs. Two
 * phases: every changed file is first written to a temp file in the same directory and fsync-ed; only
 * when all of them are staged are they renamed over their targets, then the directory is fsync-ed. A
 * failure while staging (disk full, permission, I/O error) leaves every old file as it was; a reader
 * never sees a torn file because each target is only ever replaced by rename. Files of one subdirectory
 * ({@code spiffe/…}) are staged with the rest and renamed before the output directory's own files (the
 * state file, last, says what was applied); the files to remove go after those renames, before the state file.
 */
public final class OutputWriter {
    private static final String TEMP_SUFFIX = ".tmp";
    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** One file to keep current: a plain file name, or {@code subdir/name} one level down. */
    public record Output(String name, byte[] content, Set<PosixFilePermission> mode) {
        public Output {
            checkName(name);
        }

        /** The subdirectory, or null for a file of the output directory itself. */
        String subdir() {
            int slash = name.indexOf('/');
            return slash < 0 ? null : name.substring(0, slash);
        }

        String fileName() {
            return name.substring(name.indexOf('/') + 1);
        }
    }

    private static void checkName(String name) {
        String[] parts = name.split("/", -1);
        if (parts.length > 2 || Arrays.stream(parts).anyMatch(p -> p.isEmpty() || p.startsWith("."))) {
            throw new IllegalArgumentException("output names are plain file names, one subdirectory deep at most: "
                    + name);
        }
    }

    /** Renamed last: it names what the other files reflect. */
    private static final String STATE_FILE = OutputLayout.STATE;

    private final Path dir;

    public OutputWriter(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the outputs that differ from the files on disk, in the given order.
     *
     * @return the names of the files replaced, in order; empty when all were current
     */
    public List<String> write(List<Output> outputs) throws SyncException {
        return write(outputs, List.of());
    }

    /**
     * Writes the outputs that differ from the files on disk and deletes the {@code removals} that exist.
     *
     * @param removals files to delete (names as in {@link Output}), after every file is replaced but the state file
     * @return the names of the files replaced or deleted, in order; empty when all were current
     */
    public List<String> write(List<Output> outputs, List<String> removals) throws SyncException {
        List<Output> changed = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Output o : outputs) {
                if (!current(o)) {
                    changed.add(o);
                }
            }
            for (String r : removals) {
                checkName(r);
                if (Files.exists(dir.resolve(r), LinkOption.NOFOLLOW_LINKS)) {
                    remove.add(r);
                }
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read the output directory " + dir + ": " + e, e);
        }
        if (changed.isEmpty() && remove.isEmpty()) {
            return List.of();
        }
        // one staging per directory: the subdirectory's files, then the output directory's (state file last)
        Map<String, List<Output>> byDir = new LinkedHashMap<>();
        for (Output o : changed) {
            if (o.subdir() != null) {
                byDir.computeIfAbsent(o.subdir(), k -> new ArrayList<>()).add(o);
            }
        }
        List<Output> top = changed.stream().filter(o -> o.subdir() == null).toList();
        List<AtomicFiles.Staging> stagings = new ArrayList<>();
        List<String> done = new ArrayList<>();
        try {
            List<AtomicFiles.Staging> subStagings = new ArrayList<>();
            for (Map.Entry<String, List<Output>> e : byDir.entrySet()) {
                AtomicFiles.Staging s = AtomicFiles.staging(dir.resolve(e.getKey()));
                stagings.add(s);
                subStagings.add(s);
                for (Output o : e.getValue()) {
                    s.stage(o.fileName(), o.content(), o.mode());
                }
            }
            AtomicFiles.Staging main = AtomicFiles.staging(dir);
            stagings.add(main);
            for (Output o : top) {
                if (!o.name().equals(STATE_FILE)) {
                    main.stage(o.name(), o.content(), o.mode());
                }
            }
            AtomicFiles.Staging state = null;
            for (Output o : top) {
                if (o.name().equals(STATE_FILE)) {
                    state = AtomicFiles.staging(dir);
                    stagings.add(state);
                    state.stage(o.name(), o.content(), o.mode());
                }
            }
            int i = 0;
            for (Map.Entry<String, List<Output>> e : byDir.entrySet()) {
                for (String f : commit(subStagings.get(i++), done)) {
                    done.add(e.getKey() + "/" + f);
                }
            }
            done.addAll(commit(main, done));
            for (String r : remove) {
                Files.deleteIfExists(dir.resolve(r));
                done.add(r);
            }
            if (state != null) {
                done.addAll(commit(state, done));
            }
            return done;
        } catch (SyncException e) {
            throw e;
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot write " + dir + " (" + (done.isEmpty() ? "old files kept"
                    : "replaced " + done + ", the rest kept") + "): " + describe(e), e);
        } finally {
            stagings.forEach(AtomicFiles.Staging::close);
        }
    }

    private List<String> commit(AtomicFiles.Staging staging, List<String> before) throws SyncException {
        try {
            return staging.commit();
        } catch (AtomicFiles.PartialCommitException e) {
            List<String> replaced = new ArrayList<>(before);
            replaced.addAll(e.replaced());
            throw new SyncException(FailureKind.WRITE, "cannot replace files in " + dir + " after replacing "
                    + replaced + ": " + describe(e.failure()), e.failure());
        }
    }

    /** The names of the outputs that differ from the disk (content, mode, or missing), in order. */
    public List<String> differing(List<Output> outputs) throws SyncException {
        List<String> out = new ArrayList<>();
        try {
            for (Output o : outputs) {
                if (!current(o)) {
                    out.add(o.name());
                }
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read the output directory " + dir + ": " + e, e);
        }
        return out;
    }

    /** Removes temp files a crash may have left behind (they are never read by anyone). */
    public void removeStaleTemps() {
        removeStaleTemps(dir);
        removeStaleTemps(dir.resolve(OutputLayout.SPIFFE_DIR));
    }

    private static void removeStaleTemps(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + "*" + TEMP_SUFFIX)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // only litter: the next write uses fresh names
        }
    }

    private boolean current(Output o) throws IOException {
        Path target = dir.resolve(o.name());
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (POSIX && !Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS).equals(o.mode())) {
            return false;
        }
        return Files.size(target) == o.content().length && Arrays.equals(Files.readAllBytes(target), o.content());
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
