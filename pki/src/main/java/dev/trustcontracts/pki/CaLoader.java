package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.files.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;

/** Reads a CA directory back, with one clear line for whatever is wrong with it. */
public final class CaLoader {
    private CaLoader() {
    }

    /** The root in {@code ca.pem} and its key {@code ca-key.pem}, whatever a rotation says. */
    public static ZoneCa load(CaLayout layout) {
        requireDirectory(layout);
        return loadPair(layout.certificate(), layout.privateKey(), layout.dir());
    }

    /**
     * The roots the zone serves as {@code rotation.state} says: one root outside a rotation; the current
     * and the next one while it runs, each checked against the fingerprint the state recorded (a file
     * replaced behind the state's back is refused, naming it); during an interrupted finish, the next root.
     */
    public static ZoneRoots loadRoots(CaLayout layout) {
        requireDirectory(layout);
        RotationState state = RotationStateFile.read(layout);
        switch (state.step()) {
            case NONE -> {
                return ZoneRoots.single(load(layout));
            }
            case FINISHED -> {
                return ZoneRoots.single(expect(load(layout), state.next(), layout.certificate(), layout));
            }
            case FINISHING -> {
                // finish writes ca-key.pem and ca.pem before it deletes next-ca-key.pem: while that exists, it wins
                boolean nextStill = Files.exists(layout.nextPrivateKey());
                ZoneCa ca = nextStill ? loadPair(layout.nextCertificate(), layout.nextPrivateKey(), layout.dir())
                        : load(layout);
                return ZoneRoots.single(expect(ca, state.next(),
                        nextStill ? layout.nextCertificate() : layout.certificate(), layout));
            }
            default -> {
                ZoneCa current = expect(load(layout), state.current(), layout.certificate(), layout);
                ZoneCa next = expect(loadPair(layout.nextCertificate(), layout.nextPrivateKey(), layout.dir()),
                        state.next(), layout.nextCertificate(), layout);
                if (!next.zone().equals(current.zone())) {
                    throw new PkiException(layout.nextCertificate() + " names zone " + next.zone() + ", not "
                            + current.zone());
                }
                return new ZoneRoots(current, next, state.step());
            }
        }
    }

    private static ZoneCa expect(ZoneCa ca, String fingerprint, Path file, CaLayout layout) {
        if (!ca.fingerprint().equals(fingerprint)) {
            throw new PkiException(file + " holds the root sha256 " + ca.fingerprint() + ", but "
                    + layout.rotationState() + " records sha256 " + fingerprint + ": the file was replaced; "
                    + "restore it from the backup");
        }
        return ca;
    }

    private static void requireDirectory(CaLayout layout) {
        Path dir = layout.dir();
        if (!Files.isDirectory(dir)) {
            throw new PkiException("no CA directory at " + dir + " (create one with: trustctl pki init --dir "
                    + dir + " --name ZONE)");
        }
    }

    /** A root certificate and its key from two files, checked to belong together. */
    static ZoneCa loadPair(Path certificateFile, Path keyFile, Path dir) {
        X509Certificate cert;
        try {
            cert = Pem.certificate(read(certificateFile, dir));
        } catch (PemException e) {
            throw new PkiException(certificateFile + ": " + e.getMessage());
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(read(keyFile, dir));
        } catch (PemException e) {
            throw new PkiException(keyFile + ": " + e.getMessage());
        }
        if (!CertificateChecks.isIssuingCa(cert)) {
            throw new PkiException(certificateFile + " is not a CA certificate (basicConstraints cA and "
                    + "keyCertSign are required)");
        }
        KeyType type;
        try {
            type = KeyType.of(cert.getPublicKey());
        } catch (WeakKeyException e) {
            throw new PkiException(certificateFile + ": root key refused: " + e.getMessage());
        }
        if (!KeyMatch.fits(key, cert)) {
            throw new PkiException(keyFile + " is not the key of " + certificateFile
                    + " (" + cert.getSubjectX500Principal().getName() + ")");
        }
        String zone = ZoneNames.zoneOf(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()));
        if (zone.isEmpty()) {
            throw new PkiException(certificateFile + ": the subject names no zone (no O or CN)");
        }
        return new ZoneCa(zone, cert, key);
    }

    /** A warning when the key file can be read by others than its owner. */
    public static Optional<String> keyModeWarning(CaLayout layout) {
        return SecretFiles.looseModeWarning(layout.privateKey());
    }

    private static String read(Path file, Path dir) {
        if (!Files.exists(file)) {
            throw new PkiException(file + " is missing: " + dir + " is not a complete CA directory");
        }
        try {
            // PEM is ASCII; Latin-1 maps any byte, so a binary file reaches the PEM parser and its clear error
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (AccessDeniedException e) {
            throw new PkiException("permission denied reading " + file);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + CaInit.describe(e), e);
        }
    }
}
