package dev.trustcontracts.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Checks on files that hold secrets (keys, tokens). */
public final class SecretFiles {
    private SecretFiles() {
    }

    /** A warning when the file can be read or written by others than its owner; empty when fine or unknown. */
    public static Optional<String> looseModeWarning(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> loose = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            loose.retainAll(mode);
            if (!loose.isEmpty()) {
                return Optional.of(file + " is accessible to other users (" + PosixFilePermissions.toString(mode)
                        + "); chmod 600 it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here, or the file is unreadable and its reader reports that
        }
        return Optional.empty();
    }
}
