package dev.trustcontracts.agent.output;

import dev.trustcontracts.agent.FailureKind;
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
import java.util.List;
import java.util.Set;

/**
 * Replaces a set of output files, each atomically and only when its content (or mode) differs. Two
 * phases: every changed file is first written to a temp file in the same directory and fsync-ed; only
 * when all of them are staged are they renamed over their targets, then the directory is fsync-ed. A
 * failure while staging (disk full, permission, I/O error) leaves every old file as it was; a reader
 * never sees a torn file because each target is only ever replaced by rename.
 */
public final class OutputWriter {
    private static final String TEMP_SUFFIX = ".tmp";
    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** One file to keep current. */
    public record Output(String name, byte[] content, Set<PosixFilePermission> mode) {
        public Output {
            if (name.contains("/") || name.startsWith(".")) {
                throw new IllegalArgumentException("output names are plain file names: " + name);
            }
        }
    }

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
        List<Output> changed = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Output o : outputs) {
                if (!current(o)) {
                    changed.add(o);
                }
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read the output directory " + dir + ": " + e, e);
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        try (AtomicFiles.Staging staging = AtomicFiles.staging(dir)) {
            try {
                for (Output o : changed) {
                    staging.stage(o.name(), o.content(), o.mode());
                }
            } catch (IOException e) {
                throw new SyncException(FailureKind.WRITE, "cannot write " + dir + " (old files kept): " + describe(e), e);
            }
            try {
                return staging.commit();
            } catch (AtomicFiles.PartialCommitException e) {
                throw new SyncException(FailureKind.WRITE, "cannot replace files in " + dir + " after replacing "
                        + e.replaced() + ": " + describe(e.failure()), e.failure());
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot write " + dir + " (old files kept): " + describe(e), e);
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
        if (!Files.isDirectory(dir)) {
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
