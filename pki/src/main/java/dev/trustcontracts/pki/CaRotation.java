package dev.trustcontracts.pki;

import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.pki.RotationState.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * A zone's root rotation, one step per method: {@link #start} creates the next root beside the current
 * one, {@link #switchIssuing} makes the next root issue, {@link #finish} deletes the old key and makes the
 * next root the established one. Each step commits with one atomic write of {@code rotation.state}; each
 * is safe to repeat (the answer then says it was already done); a step out of order is refused with one
 * line naming the step to run instead. {@code pki serve} reads the state, never writes it.
 */
public final class CaRotation {
    private CaRotation() {
    }

    /**
     * What a step did.
     *
     * @param state       the state now
     * @param alreadyDone the step had been done before: nothing changed
     * @param roots       the roots the zone serves now
     */
    public record Outcome(RotationState state, boolean alreadyDone, ZoneRoots roots) {
    }

    /**
     * Creates the next root ({@code next-ca-key.pem} mode 0600, {@code next-ca.pem}) for the same zone,
     * leaving the current one as it is. {@code keyType} null keeps the current root's key type.
     */
    public static Outcome start(CaLayout layout, KeyType keyType, Duration validFor, Clock clock) {
        RotationState state = RotationStateFile.read(layout);
        switch (state.step()) {
            case STARTED -> {
                checkModes(layout);
                return new Outcome(state, true, CaLoader.loadRoots(layout));
            }
            case SWITCHED -> throw new PkiException("a rotation is already running in " + layout.dir()
                    + " (switched at " + state.changedAt() + "); finish it first: trustctl pki rotate finish --dir "
                    + layout.dir());
            case FINISHING -> throw new PkiException("a finish was interrupted in " + layout.dir()
                    + "; complete it first: trustctl pki rotate finish --dir " + layout.dir());
            default -> {
                // NONE or FINISHED: a new rotation
            }
        }
        if (validFor.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("a root CA must be valid for at least a day");
        }
        checkModes(layout);
        ZoneCa current = CaLoader.loadRoots(layout).current();
        boolean keyThere = exists(layout.nextPrivateKey());
        boolean certThere = exists(layout.nextCertificate());
        ZoneCa next;
        if (keyThere || certThere) {
            next = adoptLeftover(layout, current, keyThere, certThere);
        } else {
            KeyType type = keyType != null ? keyType : keyTypeOf(current);
            try {
                next = CaInit.writeNewRoot(layout.nextPrivateKey(), layout.nextCertificate(), current.zone(), type,
                        validFor, IssuedLog.open(layout.issuedLog()), clock);
            } catch (FileAlreadyExistsException e) {
                throw new PkiException(e.getFile() + " appeared while start ran (another start?); run status");
            } catch (IOException e) {
                throw new PkiException("cannot create the next root in " + layout.dir() + ": " + CaInit.describe(e), e);
            }
        }
        RotationState started = new RotationState(Step.STARTED, current.fingerprint(), next.fingerprint(), now(clock));
        RotationStateFile.write(layout, started);
        return new Outcome(started, false, CaLoader.loadRoots(layout));
    }

    /** From now on the next root issues (SignCSR, contract signers); both roots stay published. */
    public static Outcome switchIssuing(CaLayout layout, Clock clock) {
        RotationState state = RotationStateFile.read(layout);
        switch (state.step()) {
            case NONE, FINISHED -> throw noRotation(layout, state);
            case FINISHING -> throw new PkiException("a finish was interrupted in " + layout.dir()
                    + "; there is nothing to switch; complete it: trustctl pki rotate finish --dir " + layout.dir());
            case SWITCHED -> {
                checkModes(layout);
                return new Outcome(state, true, CaLoader.loadRoots(layout));
            }
            default -> {
                // STARTED
            }
        }
        checkModes(layout);
        ZoneRoots roots = CaLoader.loadRoots(layout);
        Instant now = now(clock);
        Instant nextEnd = roots.next().certificate().getNotAfter().toInstant();
        if (!nextEnd.isAfter(now)) {
            throw new PkiException(layout.nextCertificate() + " expired at " + nextEnd + "; it cannot issue");
        }
        RotationState switched = state.to(Step.SWITCHED, now);
        RotationStateFile.write(layout, switched);
        return new Outcome(switched, false, CaLoader.loadRoots(layout));
    }

    /**
     * Retires the old root: its certificate is kept as {@code retired/<sha256>.pem}, its key is deleted
     * (overwritten by the next root's key), and the next root becomes {@code ca.pem}/{@code ca-key.pem}.
     * The files change in an order that a repeated {@code finish} can always complete after a crash, and
     * that {@link CaLoader#loadRoots} reads correctly at every point in between.
     */
    public static Outcome finish(CaLayout layout, Clock clock) {
        RotationState state = RotationStateFile.read(layout);
        switch (state.step()) {
            case NONE -> throw noRotation(layout, state);
            case STARTED -> throw new PkiException("the next root does not issue yet: switch before finishing "
                    + "(after every agent has the next root): trustctl pki rotate switch --dir " + layout.dir());
            case FINISHED -> {
                return new Outcome(state, true, CaLoader.loadRoots(layout));
            }
            case SWITCHED -> {
                checkModes(layout);
                ZoneRoots roots = CaLoader.loadRoots(layout); // every file present and fitting before anything changes
                try {
                    keepRetiredCertificate(layout, roots.current());
                } catch (IOException e) {
                    throw new PkiException("cannot write " + layout.retiredCertificate(roots.current().fingerprint())
                            + ": " + CaInit.describe(e), e);
                }
                state = state.to(Step.FINISHING, now(clock));
                RotationStateFile.write(layout, state);
            }
            default -> checkModes(layout); // FINISHING: resume
        }
        try {
            complete(layout, state);
        } catch (IOException e) {
            throw new PkiException("cannot finish the rotation in " + layout.dir() + ": " + CaInit.describe(e)
                    + "; run finish again", e);
        }
        RotationState finished = state.to(Step.FINISHED, now(clock));
        RotationStateFile.write(layout, finished);
        return new Outcome(finished, false, CaLoader.loadRoots(layout));
    }

    /** The recorded state ({@link CaLoader#loadRoots} says whether the files fit it). */
    public static RotationState status(CaLayout layout) {
        return RotationStateFile.read(layout);
    }

    private static void complete(CaLayout layout, RotationState state) throws IOException {
        if (exists(layout.nextPrivateKey())) {
            ZoneCa next = CaLoader.loadPair(layout.nextCertificate(), layout.nextPrivateKey(), layout.dir());
            if (!next.fingerprint().equals(state.next())) {
                throw new PkiException(layout.nextCertificate() + " holds the root sha256 " + next.fingerprint()
                        + ", but " + layout.rotationState() + " records sha256 " + state.next()
                        + ": the file was replaced; restore it from the backup");
            }
            // the key first, then the certificate: until next-ca-key.pem goes, readers use the next-* pair
            AtomicFiles.write(layout.privateKey(), Files.readAllBytes(layout.nextPrivateKey()), AtomicFiles.PRIVATE);
            AtomicFiles.write(layout.certificate(), Files.readAllBytes(layout.nextCertificate()), AtomicFiles.PUBLIC);
            Files.delete(layout.nextPrivateKey());
        }
        Files.deleteIfExists(layout.nextCertificate());
        ZoneCa now = CaLoader.load(layout);
        if (!now.fingerprint().equals(state.next())) {
            throw new PkiException(layout.certificate() + " holds the root sha256 " + now.fingerprint() + " and "
                    + layout.nextPrivateKey() + " is gone, but " + layout.rotationState() + " records the next root "
                    + state.next() + ": restore the next root from the backup");
        }
    }

    /** The old root's certificate as {@code retired/<sha256>.pem}, for the record; written before FINISHING. */
    private static void keepRetiredCertificate(CaLayout layout, ZoneCa old) throws IOException {
        Path retired = layout.retiredCertificate(old.fingerprint());
        createPrivateDirectory(retired.getParent());
        AtomicFiles.writeIfChanged(retired, Pem.encode(old.certificate()).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.PUBLIC);
    }

    /**
     * {@code next-ca*.pem} without a recorded rotation: a {@code start} that stopped before writing the
     * state. Never published, so a complete, fitting pair is taken over; anything else is refused.
     */
    private static ZoneCa adoptLeftover(CaLayout layout, ZoneCa current, boolean keyThere, boolean certThere) {
        String remove = "; it was never published: remove " + layout.nextPrivateKey() + " and "
                + layout.nextCertificate() + ", then run start again";
        if (!keyThere || !certThere) {
            throw new PkiException((keyThere ? layout.nextPrivateKey() : layout.nextCertificate())
                    + " exists without " + (keyThere ? layout.nextCertificate() : layout.nextPrivateKey())
                    + " and no rotation is recorded (an interrupted start?)" + remove);
        }
        ZoneCa next;
        try {
            next = CaLoader.loadPair(layout.nextCertificate(), layout.nextPrivateKey(), layout.dir());
        } catch (PkiException e) {
            throw new PkiException(e.getMessage() + remove);
        }
        if (!next.zone().equals(current.zone()) || next.fingerprint().equals(current.fingerprint())) {
            throw new PkiException(layout.nextCertificate() + " is not a new root of zone " + current.zone() + remove);
        }
        return next;
    }

    /**
     * Refuses when a key is readable or writable by others, or a certificate or the state writable by
     * others: whoever could write them could swap the zone's root.
     */
    static void checkModes(CaLayout layout) {
        for (Path key : new Path[] {layout.privateKey(), layout.nextPrivateKey()}) {
            SecretFiles.looseModeWarning(key).ifPresent(w -> {
                throw new PkiException(w + ", and treat the key as exposed");
            });
        }
        for (Path pub : new Path[] {layout.certificate(), layout.nextCertificate(), layout.rotationState()}) {
            Set<PosixFilePermission> mode = mode(pub);
            if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new PkiException(pub + " is writable by other users (" + PosixFilePermissions.toString(mode)
                        + "); chmod 644 it and check that it is the file you expect");
            }
        }
    }

    private static Set<PosixFilePermission> mode(Path file) {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return Set.of(); // missing (the loader names it) or no POSIX modes here
        }
    }

    private static PkiException noRotation(CaLayout layout, RotationState state) {
        return new PkiException("no rotation is running in " + layout.dir()
                + (state.step() == Step.FINISHED ? " (the last one finished at " + state.changedAt() + ")" : "")
                + "; start one first: trustctl pki rotate start --dir " + layout.dir());
    }

    private static KeyType keyTypeOf(ZoneCa ca) {
        try {
            return KeyType.of(ca.certificate().getPublicKey());
        } catch (WeakKeyException e) {
            throw new PkiException("the current root's key type is refused (" + e.getMessage() + "); give --key-type");
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static Instant now(Clock clock) {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
    }
}
