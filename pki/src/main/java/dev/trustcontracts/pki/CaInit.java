package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.x500.X500Name;

/** Creates a zone's root CA in a directory that holds none. */
public final class CaInit {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);

    private CaInit() {
    }

    /**
     * Generates the key, self-signs the root and writes {@code ca-key.pem} (mode 0600 from creation) and
     * {@code ca.pem}. Refuses when either file exists; a directory it creates gets mode 0700.
     */
    public static ZoneCa create(CaLayout layout, String zone, KeyType keyType, Duration validFor, Clock clock) {
        ZoneNames.check(zone);
        if (validFor.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("a root CA must be valid for at least a day");
        }
        refuseExisting(layout.certificate());
        refuseExisting(layout.privateKey());
        createDirectory(layout.dir());
        try {
            return writeNewRoot(layout.privateKey(), layout.certificate(), zone, keyType, validFor,
                    IssuedLog.open(layout.issuedLog()), clock);
        } catch (FileAlreadyExistsException e) {
            throw alreadyThere(Path.of(e.getFile()));
        } catch (IOException e) {
            throw new PkiException("cannot create the CA in " + layout.dir() + ": " + describe(e), e);
        }
    }

    /**
     * Generates a key, self-signs a root for {@code zone} (a fresh random SERIALNUMBER in the subject) and
     * writes the key (mode 0600 from creation) and then the certificate, refusing to overwrite either. Used
     * by {@code init} and by a rotation's {@code start}.
     */
    static ZoneCa writeNewRoot(Path keyFile, Path certificateFile, String zone, KeyType keyType, Duration validFor,
            IssuedLog log, Clock clock) throws IOException {
        KeyPair keys = keyType.generate();
        X500Name subject = ZoneNames.rootSubject(zone);
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate root = log.issue(CertificateProfile.ROOT_CA.name(), serial ->
                CertificateIssuer.selfSignedRoot(subject, keys, now.minus(CsrSigner.BACKDATE), now.plus(validFor),
                        serial));
        // the key first: a CA whose key is missing is never half-usable, and a racing writer loses here
        AtomicFiles.createNew(keyFile, bytes(Pem.encode(keys.getPrivate())), AtomicFiles.PRIVATE);
        AtomicFiles.createNew(certificateFile, bytes(Pem.encode(root)), AtomicFiles.PUBLIC);
        return new ZoneCa(zone, root, keys.getPrivate());
    }

    private static void refuseExisting(Path file) {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyThere(file);
        }
    }

    private static PkiException alreadyThere(Path file) {
        return new PkiException(file + " already exists: " + file.getParent()
                + " holds a CA; refusing to overwrite it (use another --dir)");
    }

    private static void createDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new PkiException(e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            throw new PkiException("cannot create the CA directory " + dir + ": " + describe(e), e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** What went wrong with a file, in the operator's words: never the exception's class name. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return "no such file or directory " + f.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException f) {
            return "permission denied on " + f.getFile();
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " already exists";
        }
        if (e instanceof java.nio.file.NotDirectoryException f) {
            return f.getFile() + " is not a directory";
        }
        String m = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage();
        if (m == null || m.isBlank()) {
            return "input/output error";
        }
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}
