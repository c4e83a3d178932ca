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

    public static ZoneCa load(CaLayout layout) {
        Path dir = layout.dir();
        if (!Files.isDirectory(dir)) {
            throw new PkiException("no CA directory at " + dir + " (create one with: trustctl pki init --dir "
                    + dir + " --name ZONE)");
        }
        X509Certificate cert;
        try {
            cert = Pem.certificate(read(layout.certificate(), dir));
        } catch (PemException e) {
            throw new PkiException(layout.certificate() + ": " + e.getMessage());
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(read(layout.privateKey(), dir));
        } catch (PemException e) {
            throw new PkiException(layout.privateKey() + ": " + e.getMessage());
        }
        if (!CertificateChecks.isIssuingCa(cert)) {
            throw new PkiException(layout.certificate() + " is not a CA certificate (basicConstraints cA and "
                    + "keyCertSign are required)");
        }
        KeyType type;
        try {
            type = KeyType.of(cert.getPublicKey());
        } catch (WeakKeyException e) {
            throw new PkiException(layout.certificate() + ": root key refused: " + e.getMessage());
        }
        if (!KeyMatch.fits(key, cert)) {
            throw new PkiException(layout.privateKey() + " is not the key of " + layout.certificate()
                    + " (" + cert.getSubjectX500Principal().getName() + ")");
        }
        String zone = ZoneNames.zoneOf(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()));
        if (zone.isEmpty()) {
            throw new PkiException(layout.certificate() + ": the subject names no zone (no O or CN)");
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
