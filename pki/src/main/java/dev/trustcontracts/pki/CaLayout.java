package dev.trustcontracts.pki;

import java.nio.file.Path;

/**
 * The files of a zone CA directory.
 *
 * @param dir the directory that holds them
 */
public record CaLayout(Path dir) {
    public static final String CERTIFICATE = "ca.pem";
    public static final String PRIVATE_KEY = "ca-key.pem";
    public static final String ISSUED_LOG = "issued.log";

    /** The root certificate, PEM. */
    public Path certificate() {
        return dir.resolve(CERTIFICATE);
    }

    /** The root's private key, PEM (PKCS#8), mode 0600. */
    public Path privateKey() {
        return dir.resolve(PRIVATE_KEY);
    }

    /** The append-only record of every serial number this CA has used. */
    public Path issuedLog() {
        return dir.resolve(ISSUED_LOG);
    }
}
