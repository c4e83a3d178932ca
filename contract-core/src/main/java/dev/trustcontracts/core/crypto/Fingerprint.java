package dev.trustcontracts.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The usual certificate fingerprint: lowercase hex SHA-256 of the DER encoding. */
public final class Fingerprint {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");

    private Fingerprint() {
    }

    public static String of(X509Certificate cert) {
        try {
            return sha256Hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /** Whether the text has the fingerprint's shape: 64 lowercase hex digits. */
    public static boolean isWellFormed(String hash) {
        return hash != null && FORMAT.matcher(hash).matches();
    }
}
