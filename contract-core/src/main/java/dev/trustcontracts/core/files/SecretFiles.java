package dev.trustcontracts.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks on files that hold secrets (keys, tokens, passwords): whether their mode lets others than the
 * owner in. A check only warns: the caller says so and goes on; a file without POSIX modes passes.
 */
public final class SecretFiles {
    /** Read by group or others: what the agent warns about for the secrets it reads. */
    public static final Set<PosixFilePermission> READ_BY_OTHERS = Set.copyOf(EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
    /** Read or written by group or others: what the PKI warns about for its key and token. */
    public static final Set<PosixFilePermission> OPEN_TO_OTHERS = Set.copyOf(EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));

    private SecretFiles() {
    }

    /**
     * The file's whole mode when it grants any of {@code forbidden}; empty when it grants none, or when
     * the mode cannot be read (no POSIX modes here, or the file is unreadable and its reader reports that).
     */
    public static Optional<Set<PosixFilePermission>> looseMode(Path file, Set<PosixFilePermission> forbidden) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : forbidden) {
                if (mode.contains(p)) {
                    return Optional.of(mode);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here, or the file is unreadable and its reader reports that
        }
        return Optional.empty();
    }

    /** Whether the file is readable by its group or by everyone (see {@link #READ_BY_OTHERS}). */
    public static boolean readableByOthers(Path file) {
        return looseMode(file, READ_BY_OTHERS).isPresent();
    }

    /** A warning when the file can be read or written by others than its owner; empty when fine or unknown. */
    public static Optional<String> looseModeWarning(Path file) {
        return looseMode(file, OPEN_TO_OTHERS).map(mode -> file + " is accessible to other users ("
                + PosixFilePermissions.toString(mode) + "); chmod 600 it");
    }
}
