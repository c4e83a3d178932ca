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
    public static final String NEXT_CERTIFICATE = "next-ca.pem";
    public static final String NEXT_PRIVATE_KEY = "next-ca-key.pem";
    public static final String ROTATION_STATE = "rotation.state";
    public static final String RETIRED = "retired";

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

    /** The next root of a rotation, PEM (from {@code pki rotate start} until {@code finish}). */
    public Path nextCertificate() {
        return dir.resolve(NEXT_CERTIFICATE);
    }

    /** The next root's private key, PEM (PKCS#8), mode 0600 from creation. */
    public Path nextPrivateKey() {
        return dir.resolve(NEXT_PRIVATE_KEY);
    }

    /** Where a root rotation stands; absent when the CA has never rotated. */
    public Path rotationState() {
        return dir.resolve(ROTATION_STATE);
    }

    /** The certificate a finished rotation retired, kept for the record (its key is deleted). */
    public Path retiredCertificate(String fingerprint) {
        return dir.resolve(RETIRED).resolve(fingerprint + ".pem");
    }
}
