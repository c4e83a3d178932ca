package dev.trustcontracts.core.contract;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates that a signer's certificate chain leads to a participant's root, with the JDK's PKIX
 * validator. Time is taken out of the check: the chain is validated at an instant where all its
 * certificates are valid, and that common window is returned as a bound to be judged later. Results
 * are cached by the exact certificates, because the same admin certificate signs many contracts.
 */
final class SignerChains {
    private static final int CACHE_SIZE = 4096;

    /** A chain that validated, valid over {@code [notBefore, notAfter]}. */
    record Window(Instant notBefore, Instant notAfter) {
    }

    /** The outcome: a window, or an error message. */
    record Result(Window window, String error) {
    }

    private final Map<String, Result> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    /** @param chain signer first, intermediates after; the root may be included at the end or left out */
    Result validate(List<X509Certificate> chain, X509Certificate root, String rootHash) {
        StringBuilder key = new StringBuilder(rootHash);
        for (X509Certificate c : chain) {
            key.append(':').append(Fingerprint.of(c));
        }
        return cache.computeIfAbsent(key.toString(), k -> check(chain, root, rootHash));
    }

    private static Result check(List<X509Certificate> chain, X509Certificate root, String rootHash) {
        List<X509Certificate> path = new ArrayList<>(chain);
        if (!path.isEmpty() && Fingerprint.of(path.get(path.size() - 1)).equals(rootHash)) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            // signed with the root key itself: the root's own validity is checked as a participant bound
            return new Result(new Window(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()), null);
        }
        X509Certificate leaf = path.get(0);
        if (CertificateChecks.isCa(leaf)) {
            return new Result(null, "the signer certificate is a CA; sign with a contract-signing certificate "
                    + "(trustctl pki issue) or the root itself");
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || !eku.contains(CertificateProfile.CONTRACT_SIGNING_EKU.getId())) {
                return new Result(null, "the signer certificate " + leaf.getSubjectX500Principal().getName()
                        + " lacks the contract-signing extended key usage");
            }
        } catch (CertificateParsingException e) {
            return new Result(null, "unreadable extended key usage: " + e.getMessage());
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null && !ku[0]) {
            return new Result(null, "the signer certificate's key usage lacks digitalSignature");
        }
        Instant from = root.getNotBefore().toInstant();
        Instant to = root.getNotAfter().toInstant();
        for (X509Certificate c : path) {
            from = max(from, c.getNotBefore().toInstant());
            to = min(to, c.getNotAfter().toInstant());
        }
        if (from.isAfter(to)) {
            return new Result(null, "the signer's certificates are never valid at the same time");
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(from));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return new Result(new Window(from, to), null);
        } catch (CertPathValidatorException e) {
            return new Result(null, "the signer certificate does not chain to the participant's root: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Result(null, "cannot validate the signer chain: " + e.getMessage());
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
