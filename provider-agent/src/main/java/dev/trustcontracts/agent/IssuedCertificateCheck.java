package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the agent demands of a certificate before it serves it: a chain that verifies up to one of the zone's
 * own roots (during a rotation either: the PKI issues from the next root after {@code pki rotate switch}),
 * and, for one the PKI just issued, the key that was asked for and a validity not already over. A PKI that
 * answers with anything else is refused; the current certificate is kept.
 */
final class IssuedCertificateCheck {
    private IssuedCertificateCheck() {
    }

    /**
     * The chain (leaf first, the root last) of the PKI's SignCSR answer for {@code requested}, checked at
     * {@code now}.
     */
    static List<X509Certificate> check(SignCSRResponse r, PublicKey requested, X509Certificate root, Instant now)
            throws SyncException {
        return check(r, requested, OwnRoots.of(root), now);
    }

    /** The same, the chain ending at whichever own root the certificate chains to. */
    static List<X509Certificate> check(SignCSRResponse r, PublicKey requested, OwnRoots roots, Instant now)
            throws SyncException {
        List<X509Certificate> certs;
        try {
            certs = r.getChain().isBlank() ? List.of(Pem.certificate(r.getCertificate()))
                    : Pem.certificateChain(r.getChain());
        } catch (PemException e) {
            throw new SyncException(FailureKind.PKI, "the PKI answered SignCSR with unreadable PEM: " + e.getMessage());
        }
        List<X509Certificate> chain;
        try {
            chain = chainToAny(certs, roots);
        } catch (GeneralSecurityException e) {
            throw new SyncException(FailureKind.PKI, "the certificate the PKI issued does not chain to the zone root"
                    + (roots.next() == null ? "" : "s") + ": " + e.getMessage());
        }
        X509Certificate leaf = chain.get(0);
        if (!samePublicKey(leaf.getPublicKey(), requested)) {
            throw new SyncException(FailureKind.PKI, "the PKI issued a certificate for another key");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new SyncException(FailureKind.PKI, "the PKI issued a certificate that already expired at "
                    + leaf.getNotAfter().toInstant());
        }
        return chain;
    }

    /** A verified chain to the first own root it chains to; the failure for the established root when none. */
    static List<X509Certificate> chainToAny(List<X509Certificate> certs, OwnRoots roots)
            throws GeneralSecurityException {
        GeneralSecurityException first = null;
        for (X509Certificate root : roots.all()) {
            try {
                return chainTo(certs, root);
            } catch (GeneralSecurityException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /** The given certificates (leaf first) ordered into a verified chain ending at the root. */
    static List<X509Certificate> chainTo(List<X509Certificate> certs, X509Certificate root) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (X509Certificate c : certs) {
            if (sameCertificate(c, root)) {
                break;
            }
            chain.add(c);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate below the root");
        }
        chain.add(root);
        for (int i = 0; i < chain.size() - 1; i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                throw new GeneralSecurityException(child.getSubjectX500Principal() + " is issued by "
                        + child.getIssuerX500Principal() + ", not " + parent.getSubjectX500Principal());
            }
            child.verify(parent.getPublicKey());
        }
        return chain;
    }

    /** Byte-for-byte the same certificate. */
    static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }

    /** Whether two public keys are the same key (same encoding): a certificate issued for the key asked for. */
    static boolean samePublicKey(PublicKey a, PublicKey b) {
        return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
    }
}
