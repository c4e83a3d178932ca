package dev.trustcontracts.core.crypto;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What a certificate may do, read from its extensions: whether it is a CA and whether it may sign
 * certificates. One home for the checks the verifier, the PKI and the agent each made on roots.
 */
public final class CertificateChecks {
    /** Index of keyCertSign in {@link X509Certificate#getKeyUsage()} (RFC 5280, 4.2.1.3). */
    private static final int KEY_CERT_SIGN = 5;

    /** Why a certificate cannot serve as a zone's root. */
    public enum CaDefect {
        /** basicConstraints cA is false or the extension is missing. */
        NOT_CA,
        /** a CA, but its key usage lacks keyCertSign (or the extension is missing). */
        NO_KEY_CERT_SIGN
    }

    private CertificateChecks() {
    }

    /** basicConstraints says cA: the certificate claims to be a certificate authority. */
    public static boolean isCa(X509Certificate cert) {
        return cert.getBasicConstraints() >= 0;
    }

    /** The key usage extension is present and allows keyCertSign. */
    public static boolean maySignCertificates(X509Certificate cert) {
        boolean[] ku = cert.getKeyUsage();
        return ku != null && ku.length > KEY_CERT_SIGN && ku[KEY_CERT_SIGN];
    }

    /** A CA that may sign certificates: what a zone's root must be. */
    public static boolean isIssuingCa(X509Certificate cert) {
        return caDefect(cert).isEmpty();
    }

    /** The first reason the certificate cannot be a zone's root, or empty when it can. */
    public static Optional<CaDefect> caDefect(X509Certificate cert) {
        if (!isCa(cert)) {
            return Optional.of(CaDefect.NOT_CA);
        }
        if (!maySignCertificates(cert)) {
            return Optional.of(CaDefect.NO_KEY_CERT_SIGN);
        }
        return Optional.empty();
    }
}
