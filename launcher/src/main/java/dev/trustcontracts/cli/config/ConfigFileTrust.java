package dev.trustcontracts.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reads a configuration file only if it may be trusted: a configuration names the remote, the trust anchors and
 * the keys a daemon uses, so whoever can write it controls what the daemon trusts. Refused: a file writable by
 * its group or by others, or owned by anyone but the user running trustctl or root (as sshd and sudo refuse
 * theirs). Files without POSIX modes (other file systems) are not checked.
 *
 * @param user the name of the user running trustctl
 */
record ConfigFileTrust(String user) {
    /** Far more than any configuration; a larger file is a mistake (a log, a binary) read whole otherwise. */
    static final int MAX_BYTES = 1 << 20;

    /** The user this JVM runs as. */
    static ConfigFileTrust runningUser() {
        return new ConfigFileTrust(System.getProperty("user.name"));
    }

    /** The file's bytes, after the checks; every refusal is one line naming the file. */
    byte[] read(Path file) {
        String where = "config " + file;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigError(where + ": is a directory, not a file");
            }
            check(where, file);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] content = in.readNBytes(MAX_BYTES + 1);
                if (content.length > MAX_BYTES) {
                    throw new ConfigError(where + ": larger than " + (MAX_BYTES >> 10) + " KiB; not a configuration file");
                }
                return content;
            }
        } catch (NoSuchFileException e) {
            throw new ConfigError(where + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigError(where + ": permission denied");
        } catch (IOException e) {
            throw new ConfigError(where + ": cannot read: " + ConfigYaml.oneLine(e.getMessage()));
        }
    }

    private void check(String where, Path file) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX modes on this file system
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new ConfigError(where + ": refused: writable by group or others ("
                    + PosixFilePermissions.toString(a.permissions()) + "), who could redirect keys and trust anchors; "
                    + "chmod go-w it");
        }
        String owner = a.owner().getName();
        if (!owner.equals(user) && !owner.equals("root")) {
            throw new ConfigError(where + ": refused: owned by " + owner + ", not by " + user + " or root, who could "
                    + "redirect keys and trust anchors; chown it");
        }
    }
}
