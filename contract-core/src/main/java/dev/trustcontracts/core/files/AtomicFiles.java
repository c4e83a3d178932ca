package dev.trustcontracts.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces files so that a reader sees the old content or the new, never a torn mix: write a temp file
 * in the same directory, fsync, rename over the target, fsync the directory. A failed write (disk full,
 * permission) leaves the old file as it was.
 */
public final class AtomicFiles {
    /** Mode for private keys: created this way, never chmod-ed afterwards, so no window exists. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /** Writes the file atomically with mode 0644. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, PUBLIC);
    }

    /** Writes the file atomically with the given POSIX mode (set when the temp file is created). */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        replace(target, mode, tmp -> writeFully(tmp, content));
    }

    /** Writes what {@code body} produces into a stream, atomically with this mode: for content too large to build in memory. */
    public static void write(Path target, Set<PosixFilePermission> mode, StreamBody body) throws IOException {
        replace(target, mode, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                        1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
        });
    }

    /** Content written into a stream (which the caller must not close). */
    @FunctionalInterface
    public interface StreamBody {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    private interface TempWriter {
        void write(Path tmp) throws IOException;
    }

    private static void replace(Path target, Set<PosixFilePermission> mode, TempWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attributes(mode));
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes only when the content differs; returns whether the file changed. */
    public static boolean writeIfChanged(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return false;
        }
        write(target, content, mode);
        return true;
    }

    /**
     * Creates a new file with the mode set at creation; refuses to overwrite. The complete temp file is
     * hard-linked to the target, which fails when the target exists: two writers racing for the same
     * name cannot both win, and a reader never sees a partial file. On a file system without hard
     * links the existence check and the rename are two steps.
     */
    public static void createNew(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attributes(mode));
        try {
            writeFully(tmp, content);
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite");
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Starts replacing several files of one directory together: {@link Staging#stage stage} each (a
     * complete, fsync-ed temp file beside its target), then {@link Staging#commit commit} renames them
     * over their targets in order and fsyncs the directory. Until the commit nothing a reader sees has
     * changed; closing without a commit deletes every staged temp file. Use in try-with-resources.
     */
    public static Staging staging(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Staging(dir);
    }

    /** Files staged in one directory, renamed into place together by {@link #commit()}. */
    public static final class Staging implements AutoCloseable {
        private final Path dir;
        private final Map<String, Path> staged = new LinkedHashMap<>();

        private Staging(Path dir) {
            this.dir = dir;
        }

        /**
         * Writes {@code content} to a temp file beside {@code dir/name} with {@code mode} set exactly (the
         * umask removes no bit) and fsyncs it; the target is untouched. On failure the temp file is gone.
         *
         * @param name a plain file name in the directory
         */
        public void stage(String name, byte[] content, Set<PosixFilePermission> mode) throws IOException {
            Path target = dir.resolve(name);
            if (name.equals(".") || name.equals("..") || !dir.equals(target.getParent()) || staged.containsKey(name)) {
                throw new IllegalArgumentException("not a new plain file name in " + dir + ": " + name);
            }
            Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp", attributes(mode));
            try {
                if (supportsPosix()) {
                    // the umask may have removed bits from a public file; the file is still empty here
                    Files.setPosixFilePermissions(tmp, mode);
                }
                writeFully(tmp, content);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            staged.put(name, tmp);
        }

        /**
         * Renames every staged file over its target, in staging order, then fsyncs the directory.
         *
         * @return the names replaced, in order
         * @throws PartialCommitException when a rename fails: the files before it are replaced, the rest
         *     keep their old content and their temp files are deleted
         */
        public List<String> commit() throws PartialCommitException {
            List<String> replaced = new ArrayList<>();
            for (Map.Entry<String, Path> e : staged.entrySet()) {
                try {
                    Files.move(e.getValue(), dir.resolve(e.getKey()), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException failure) {
                    close();
                    throw new PartialCommitException(List.copyOf(replaced), failure);
                }
                replaced.add(e.getKey());
            }
            staged.clear();
            syncDirectory(dir);
            return replaced;
        }

        /** Deletes the temp files of whatever was staged and not committed. */
        @Override
        public void close() {
            for (Path tmp : staged.values()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // already failing or abandoned; a stale temp is only litter
                }
            }
            staged.clear();
        }
    }

    /** A commit that stopped at a failed rename; {@link #replaced()} names the files already replaced. */
    public static final class PartialCommitException extends IOException {
        private final List<String> replaced;
        private final IOException failure;

        PartialCommitException(List<String> replaced, IOException failure) {
            super("replaced " + replaced + ", then: " + failure.getMessage(), failure);
            this.replaced = replaced;
            this.failure = failure;
        }

        public List<String> replaced() {
            return replaced;
        }

        /** The rename's own exception. */
        public IOException failure() {
            return failure;
        }
    }

    private static void writeFully(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        if (!supportsPosix()) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
    }

    private static boolean supportsPosix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable; some platforms cannot open a directory, which only costs durability.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not fatal: the rename itself is atomic
        }
    }
}
