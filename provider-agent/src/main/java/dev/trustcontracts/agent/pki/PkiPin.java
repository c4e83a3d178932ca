package dev.trustcontracts.agent.pki;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * The zone root the agent was told to trust, by its SHA-256 fingerprint ({@code --pki-fingerprint}, as
 * {@code step ca bootstrap --fingerprint} takes it) or by the certificate itself ({@code --pki-ca}).
 * The PKI's TLS chain and its GetCA answer must both match it.
 *
 * @param fingerprint lowercase hex SHA-256 of the root's DER encoding
 * @param root        the root certificate when given as a file; null when pinned by fingerprint only
 */
public record PkiPin(String fingerprint, X509Certificate root) {

    public PkiPin {
        if (!Fingerprint.isWellFormed(fingerprint)) {
            throw new IllegalArgumentException("a pin is 64 lowercase hex digits");
        }
    }

    /**
     * A fingerprint as operators copy it: hex, upper or lower case, with or without colons, optionally
     * prefixed {@code sha256:}.
     */
    public static PkiPin ofFingerprint(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("sha256:")) {
            t = t.substring("sha256:".length());
        }
        t = t.replace(":", "");
        if (!Fingerprint.isWellFormed(t)) {
            throw new IllegalArgumentException("--pki-fingerprint takes the zone root's SHA-256 as 64 hex digits "
                    + "(colons allowed), as 'trustctl pki serve' prints it; got '" + printable(text) + "'");
        }
        return new PkiPin(t, null);
    }

    /** The one CA certificate in a PEM file (the zone's ca.pem). */
    public static PkiPin ofCaFile(Path file) {
        List<X509Certificate> certs;
        try {
            certs = Pem.certificates(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalArgumentException("--pki-ca " + file + ": cannot read it: " + e.getMessage());
        } catch (PemException e) {
            throw new IllegalArgumentException("--pki-ca " + file + ": " + e.getMessage());
        }
        if (certs.size() != 1) {
            throw new IllegalArgumentException("--pki-ca " + file + " holds " + certs.size()
                    + " certificates; give the zone's root alone (its ca.pem)");
        }
        X509Certificate root = certs.get(0);
        if (!CertificateChecks.isCa(root)) {
            throw new IllegalArgumentException("--pki-ca " + file + " is not a CA certificate: give the zone's root");
        }
        return new PkiPin(Fingerprint.of(root), root);
    }

    public boolean matches(X509Certificate cert) {
        return fingerprint.equals(Fingerprint.of(cert));
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
