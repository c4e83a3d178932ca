package dev.trustcontracts.reposerver.auth;

import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.reposerver.Audit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The users of the server: a text file of {@code name:hash[:zones[:admin]]} lines (see {@link PasswordHasher}),
 * mode 0600. {@code zones} is a comma-separated list of participant (zone) names the user acts for; the
 * fourth field {@code admin} makes the user a repository admin, who may do everything. A line of the older
 * {@code name:hash} form is a user of no zone: it may push proposals but neither change contracts on main
 * nor merge nor revoke until {@code trustctl repo-server user zones NAME --add ZONE} (or {@code --admin}).
 * Re-read when it changes on disk, so {@code trustctl repo-server user ...} takes effect without a restart.
 */
public final class UserStore {
    /** Verified against when the user is unknown, so that unknown and known users cost the same time. */
    private static final class Dummy {
        static final String HASH = new PasswordHasher().hash("not a password".toCharArray());
    }

    /** One user: the password hash, the zones the user acts for, and whether the user is an admin. */
    public record User(String name, String hash, Set<String> zones, boolean admin) {
        public User {
            zones = Collections.unmodifiableSet(new TreeSet<>(zones));
        }

        /** The user's authority, without the password hash. */
        public Access access() {
            return new Access(name, zones, admin);
        }

        String line() {
            return name + ':' + hash + ':' + String.join(",", zones) + ':' + (admin ? "admin" : "");
        }
    }

    private final Path file;
    private volatile Map<String, User> users = Map.of();
    /** The users file as last read: a rename gives a new file key even within one mtime tick. */
    private volatile Object loadedAt;
    private volatile boolean observedOnce;

    public UserStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Whether the name and password belong to a user; always does the full slow hash. */
    public boolean authenticate(String name, char[] password) {
        User stored = current().get(name);
        boolean ok = PasswordHasher.verify(password, stored == null ? Dummy.HASH : stored.hash());
        return ok && stored != null;
    }

    public boolean isEmpty() {
        return current().isEmpty();
    }

    /** The stored hash of a user, to bind cached logins to it. */
    public Optional<String> storedHash(String name) {
        return Optional.ofNullable(current().get(name)).map(User::hash);
    }

    public boolean contains(String name) {
        return current().containsKey(name);
    }

    /** A user's authority as the file says now; a removed user has none. */
    public Access access(String name) {
        User u = current().get(name);
        return u == null ? Access.none(name) : u.access();
    }

    /** All users, in the file's order. */
    public List<User> list() {
        return List.copyOf(current().values());
    }

    /**
     * Adds a user or sets a user's password; an existing user keeps its zones and admin flag. The file is
     * rewritten atomically with mode 0600.
     */
    public synchronized void put(String name, char[] password, PasswordHasher hasher) throws IOException {
        checkName(name);
        Map<String, User> next = new LinkedHashMap<>(read());
        User old = next.get(name);
        next.put(name, new User(name, hasher.hash(password), old == null ? Set.of() : old.zones(),
                old != null && old.admin()));
        write(next);
    }

    /** Adds a user or replaces one, with these zones and admin flag. */
    public synchronized void put(String name, char[] password, PasswordHasher hasher, Set<String> zones, boolean admin)
            throws IOException {
        checkName(name);
        checkZones(zones);
        Map<String, User> next = new LinkedHashMap<>(read());
        next.put(name, new User(name, hasher.hash(password), zones, admin));
        write(next);
    }

    /** Sets a user's zones and admin flag; false when there is no such user. */
    public synchronized boolean setAccess(String name, Set<String> zones, boolean admin) throws IOException {
        checkZones(zones);
        Map<String, User> next = new LinkedHashMap<>(read());
        User old = next.get(name);
        if (old == null) {
            return false;
        }
        next.put(name, new User(name, old.hash(), zones, admin));
        write(next);
        return true;
    }

    /** Removes a user; false when there was no such user. */
    public synchronized boolean remove(String name) throws IOException {
        Map<String, User> next = new LinkedHashMap<>(read());
        if (next.remove(name) == null) {
            return false;
        }
        write(next);
        return true;
    }

    public static boolean isValidName(String name) {
        return Names.isLabel(name);
    }

    private static void checkName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("user name '" + name + "' is not valid (lowercase letters, digits, "
                    + "inner hyphens, at most 63)");
        }
    }

    private static void checkZones(Set<String> zones) {
        for (String z : zones) {
            if (!Names.isLabel(z)) {
                throw new IllegalArgumentException("zone '" + z + "' is not a participant name (lowercase letters, "
                        + "digits, inner hyphens, at most 63)");
            }
        }
    }

    private void write(Map<String, User> next) throws IOException {
        StringBuilder sb = new StringBuilder("# trustctl repo-server users: name:pbkdf2-sha256$iterations$salt$hash"
                + ":participant,participant:admin\n");
        next.values().forEach(u -> sb.append(u.line()).append('\n'));
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE);
        users = Collections.unmodifiableMap(next);
    }

    private Map<String, User> current() {
        try {
            BasicFileAttributes a = Files.exists(file) ? Files.readAttributes(file, BasicFileAttributes.class) : null;
            Object mtime = a == null ? null : java.util.List.of(String.valueOf(a.fileKey()), a.size(),
                    a.lastModifiedTime());
            if (mtime == null) {
                synchronized (this) {
                    observed(Map.of());
                    loadedAt = null;
                }
            } else if (!mtime.equals(loadedAt)) {
                synchronized (this) {
                    observed(Collections.unmodifiableMap(read()));
                    loadedAt = mtime;
                }
            }
            observedOnce = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the users file " + file, e);
        }
        return users;
    }

    /**
     * Takes a new state of the file; after the first one, every difference (made by {@code trustctl repo-server
     * user ...} in another process, or by hand) is an audit event of this process, so the server's own audit
     * trail records each change of its users whoever made it.
     */
    private void observed(Map<String, User> next) {
        if (observedOnce) {
            for (User u : next.values()) {
                User old = users.get(u.name());
                if (old == null) {
                    Audit.usersFileChanged("user-added", u.name(), u.zones(), u.admin());
                } else if (!old.zones().equals(u.zones()) || old.admin() != u.admin()) {
                    Audit.usersFileChanged("user-zones-changed", u.name(), u.zones(), u.admin());
                } else if (!old.hash().equals(u.hash())) {
                    Audit.usersFileChanged("user-password-changed", u.name(), u.zones(), u.admin());
                }
            }
            for (User u : users.values()) {
                if (!next.containsKey(u.name())) {
                    Audit.usersFileChanged("user-removed", u.name(), Set.of(), false);
                }
            }
        }
        users = next;
    }

    private Map<String, User> read() throws IOException {
        Map<String, User> out = new LinkedHashMap<>();
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
            String[] f = line.split(":", -1);
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            Set<String> zones = new TreeSet<>();
            if (f.length > 2) {
                for (String z : f[2].split(",")) {
                    if (Names.isLabel(z.strip())) {
                        zones.add(z.strip());
                    }
                }
            }
            boolean admin = f.length > 3 && f[3].strip().equals("admin");
            out.put(f[0], new User(f[0], f[1], zones, admin));
        }
        return out;
    }
}
