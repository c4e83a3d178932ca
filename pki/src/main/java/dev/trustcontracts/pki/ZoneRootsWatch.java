package dev.trustcontracts.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roots a running PKI serves, following {@code rotation.state}: every {@link #get()} looks at the
 * state file's identity (inode, modification time, size: one {@code stat}, no read) and reloads the CA
 * directory only when it changed. Every rotation step rewrites the file by atomic rename, so each step
 * gives it a new inode and is noticed by the next request or poll, with no restart. A reload that fails
 * (a missing or mismatched file) keeps the last good roots and logs the reason once, except that a root
 * the state file says is retired is dropped at once: a retired key never signs again.
 */
public final class ZoneRootsWatch implements Supplier<ZoneRoots> {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneRootsWatch.class);

    private final CaLayout layout;
    private volatile ZoneRoots roots;
    private volatile Object seen;
    private String lastProblem;
    private BiConsumer<ZoneRoots, ZoneRoots> onChange = (a, b) -> { };

    private ZoneRootsWatch(CaLayout layout, ZoneRoots roots, Object seen) {
        this.layout = layout;
        this.roots = roots;
        this.seen = seen;
    }

    /** Loads the directory now; a problem is an exception (the PKI does not start on a broken CA). */
    public static ZoneRootsWatch of(CaLayout layout) {
        Object seen = identity(layout.rotationState());
        return new ZoneRootsWatch(layout, CaLoader.loadRoots(layout), seen);
    }

    /** Always the same roots (a PKI built from a loaded CA, not a directory). */
    public static ZoneRootsWatch fixed(ZoneCa ca) {
        return new ZoneRootsWatch(null, ZoneRoots.single(ca), null);
    }

    /** Called after a reload changed the roots, with the old and the new ones, on the thread that noticed. */
    synchronized void onChange(BiConsumer<ZoneRoots, ZoneRoots> listener) {
        this.onChange = Objects.requireNonNull(listener);
    }

    /** Whether the roots follow a directory. */
    public boolean watching() {
        return layout != null;
    }

    /** The roots as last loaded, without looking at the file. */
    ZoneRoots last() {
        return roots;
    }

    @Override
    public ZoneRoots get() {
        if (layout == null) {
            return roots;
        }
        Object now = identity(layout.rotationState());
        if (Objects.equals(now, seen)) {
            return roots;
        }
        return reload(now);
    }

    private synchronized ZoneRoots reload(Object now) {
        if (Objects.equals(now, seen)) {
            return roots; // another thread reloaded meanwhile
        }
        ZoneRoots before = roots;
        ZoneRoots after;
        try {
            after = CaLoader.loadRoots(layout);
            lastProblem = null;
        } catch (PkiException e) {
            after = withoutRetired(before);
            if (!e.getMessage().equals(lastProblem)) {
                LOG.error("pki: cannot load the CA directory after {} changed: {}; serving {}", layout.rotationState(),
                        e.getMessage(), after);
                lastProblem = e.getMessage();
            }
        }
        roots = after;
        try {
            if (!after.equals(before)) {
                LOG.info("pki: {} changed: now serving {}", layout.rotationState(), after);
                onChange.accept(before, after);
            }
        } finally {
            // last: a caller on the unlocked path sees the change only once the listener (the PKI's new TLS
            // certificate after a finish) is done; until then it waits for this lock
            seen = now;
        }
        return after;
    }

    /** The last good roots, minus a root the state file (if it can be read) says is retired or retiring. */
    private ZoneRoots withoutRetired(ZoneRoots last) {
        try {
            RotationState state = RotationStateFile.read(layout);
            boolean retiring = state.step() == RotationState.Step.FINISHING || state.step() == RotationState.Step.FINISHED;
            if (retiring && last.next() != null && last.current().fingerprint().equals(state.current())) {
                return ZoneRoots.single(last.next());
            }
        } catch (PkiException e) {
            // the state file itself is unreadable: the last good roots stay
        }
        return last;
    }

    private static Object identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return java.util.List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
