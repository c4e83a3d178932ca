package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * Reads and writes {@code rotation.state}: a small properties file ({@code step}, {@code current},
 * {@code next}, {@code changed-at}). Every write replaces the whole file atomically, so a crash leaves the
 * previous step or the new one, never a mix: each rotation step commits with exactly one such write.
 */
public final class RotationStateFile {
    private static final int MAX_BYTES = 4096;

    private RotationStateFile() {
    }

    /** The recorded state; {@link RotationState#NONE} when the file does not exist. */
    public static RotationState read(CaLayout layout) {
        Path file = layout.rotationState();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PkiException(file + " is larger than " + MAX_BYTES + " bytes: not a rotation state");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return RotationState.NONE;
        } catch (AccessDeniedException e) {
            throw new PkiException("permission denied reading " + file);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + CaInit.describe(e), e);
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            throw new PkiException(file + ": not a rotation state (" + e.getMessage() + ")");
        }
        String word = p.getProperty("step", "");
        RotationState.Step step = null;
        for (RotationState.Step s : RotationState.Step.values()) {
            if (s != RotationState.Step.NONE && s.word().equals(word)) {
                step = s;
            }
        }
        if (step == null) {
            throw new PkiException(file + ": step '" + CsrSigner.printable(word)
                    + "' is not one of started, switched, finishing, finished");
        }
        String current = fingerprint(p, "current", file);
        String next = fingerprint(p, "next", file);
        if (current.equals(next)) {
            throw new PkiException(file + ": current and next name the same root " + current);
        }
        Instant at;
        try {
            at = Instant.parse(p.getProperty("changed-at", ""));
        } catch (DateTimeParseException e) {
            throw new PkiException(file + ": changed-at '" + CsrSigner.printable(p.getProperty("changed-at", ""))
                    + "' is not an ISO-8601 instant");
        }
        return new RotationState(step, current, next, at);
    }

    /** Replaces the file with {@code state} in one atomic write (mode 0644: it holds no secret). */
    public static void write(CaLayout layout, RotationState state) {
        if (state.step() == RotationState.Step.NONE) {
            throw new IllegalArgumentException("the state NONE is the absence of the file");
        }
        Properties p = new Properties();
        p.setProperty("step", state.step().word());
        p.setProperty("current", state.current());
        p.setProperty("next", state.next());
        p.setProperty("changed-at", state.changedAt().toString());
        StringWriter w = new StringWriter();
        try {
            p.store(w, "trustctl pki rotate: where this CA's root rotation stands; change it only with pki rotate");
            AtomicFiles.write(layout.rotationState(), w.toString().getBytes(StandardCharsets.ISO_8859_1),
                    AtomicFiles.PUBLIC);
        } catch (IOException e) {
            throw new PkiException("cannot write " + layout.rotationState() + ": " + CaInit.describe(e), e);
        }
    }

    private static String fingerprint(Properties p, String key, Path file) {
        String v = p.getProperty(key, "");
        if (!Fingerprint.isWellFormed(v)) {
            throw new PkiException(file + ": " + key + " '" + CsrSigner.printable(v)
                    + "' is not a SHA-256 fingerprint (64 lowercase hex digits)");
        }
        return v;
    }
}
