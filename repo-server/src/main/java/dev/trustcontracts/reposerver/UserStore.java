package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The users who may push: a text file of {@code name:hash} lines (see {@link PasswordHasher}), mode 0600.
 * Re-read when it changes on disk, so {@code trustctl repo-server user add} takes effect without a restart.
 */
public final class UserStore {
    /** Verified against when the user is unknown, so that unknown and known users cost the same time. */
    private static final class Dummy {
        static final String HASH = new PasswordHasher().hash("not a password".toCharArray());
    }

    private final Path file;
    private volatile Map<String, String> users = Map.of();
    private volatile FileTime loadedAt;

    public UserStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Whether the name and password belong to a user; always does the full slow hash. */
    public boolean authenticate(String name, char[] password) {
        String stored = current().get(name);
        boolean ok = PasswordHasher.verify(password, stored == null ? Dummy.HASH : stored);
        return ok && stored != null;
    }

    public boolean isEmpty() {
        return current().isEmpty();
    }

    /** The stored hash of a user, to bind cached logins to it. */
    public Optional<String> storedHash(String name) {
        return Optional.ofNullable(current().get(name));
    }

    public boolean contains(String name) {
        return current().containsKey(name);
    }

    /** Adds or replaces a user; the file is rewritten atomically with mode 0600. */
    public synchronized void put(String name, char[] password, PasswordHasher hasher) throws IOException {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("user name '" + name + "' is not valid (lowercase letters, digits, "
                    + "inner hyphens, at most 63)");
        }
        Map<String, String> next = new LinkedHashMap<>(read());
        next.put(name, hasher.hash(password));
        StringBuilder sb = new StringBuilder("# trustctl repo-server users: name:pbkdf2-sha256$iterations$salt$hash\n");
        next.forEach((n, h) -> sb.append(n).append(':').append(h).append('\n'));
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE);
        users = Collections.unmodifiableMap(next);
    }

    public static boolean isValidName(String name) {
        return Names.isLabel(name);
    }

    private Map<String, String> current() {
        try {
            FileTime mtime = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            if (mtime == null) {
                users = Map.of();
                loadedAt = null;
            } else if (!mtime.equals(loadedAt)) {
                synchronized (this) {
                    users = Collections.unmodifiableMap(read());
                    loadedAt = mtime;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the users file " + file, e);
        }
        return users;
    }

    private Map<String, String> read() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        }
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }
}
