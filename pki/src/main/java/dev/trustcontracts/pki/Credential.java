package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A private key and the certificate issued for it.
 *
 * @param privateKey  the key
 * @param certificate its certificate
 */
public record Credential(PrivateKey privateKey, X509Certificate certificate) {

    /** Refuses when either file exists, before anything is written or issued. */
    public static void refuseExisting(Path keyOut, Path certOut) {
        for (Path p : new Path[] {keyOut, certOut}) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new PkiException(p + " already exists; refusing to overwrite it");
            }
        }
        if (keyOut.toAbsolutePath().normalize().equals(certOut.toAbsolutePath().normalize())) {
            throw new PkiException("the key and the certificate cannot go to the same file " + keyOut);
        }
    }

    /** Writes the key (PKCS#8 PEM, mode 0600 from creation) and the certificate (PEM); never overwrites. */
    public void writeTo(Path keyOut, Path certOut) {
        refuseExisting(keyOut, certOut);
        try {
            AtomicFiles.createNew(keyOut, Pem.encode(privateKey).getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
            AtomicFiles.createNew(certOut, Pem.encode(certificate).getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC);
        } catch (FileAlreadyExistsException e) {
            throw new PkiException(e.getFile() + " already exists; refusing to overwrite it");
        } catch (IOException e) {
            throw new PkiException("cannot write " + keyOut + " / " + certOut + ": " + CaInit.describe(e), e);
        }
    }

    @Override
    public String toString() {
        return "Credential[" + certificate.getSubjectX500Principal().getName() + "]"; // never the key
    }
}
