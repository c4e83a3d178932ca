package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.proto.v1.GetCAResponse;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which zone root the agent accepts: only the root the operator pinned (--pki-ca or --pki-fingerprint), and
 * once a root is stored in ca.pem, only that one. Without a pin (only with --pki-plaintext) the first root
 * stored is trusted; a different root later is refused until the operator removes ca.pem. A stored ca.pem
 * that is not the pinned root is ignored, so that the pinned root replaces it.
 */
final class RootPin {
    /** Logs under the keeper's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    /** What a GetCA answer means for the zone root: the root to use, and why the answer was not taken (or null). */
    record Decision(X509Certificate root, String problem) {
    }

    /** The operator's pin; null only with --pki-plaintext (trust on first use). */
    private final PkiPin pin;
    private final OutputLayout layout;
    /** The stored root as last parsed, with the text it came from: not re-parsed while ca.pem is unchanged. */
    private String storedRootPem;
    private X509Certificate storedRoot;

    RootPin(PkiPin pin, OutputLayout layout) {
        this.pin = pin;
        this.layout = layout;
    }

    /** The root in ca.pem when it is readable and the pinned one; else null, and the PKI's root is taken again. */
    X509Certificate stored() throws SyncException {
        String pem = layout.readTextIfPresent(OutputLayout.CA);
        if (pem == null) {
            return null;
        }
        if (pem.equals(storedRootPem)) {
            return storedRoot;
        }
        try {
            X509Certificate root = Pem.certificate(pem);
            if (pin != null && !pin.matches(root)) {
                LOG.warn("{} is the root sha256:{}, not the pinned sha256:{}; it will be replaced by the pinned root",
                        layout.ca(), Fingerprint.of(root), pin.fingerprint());
                return null;
            }
            storedRoot = root;
            storedRootPem = pem;
            return storedRoot;
        } catch (PemException e) {
            LOG.warn("{} is unreadable ({}); taking the PKI's root again", layout.ca(), e.getMessage());
            return null;
        }
    }

    /**
     * Judges the PKI's GetCA answer against the pin and the stored root (null when none).
     *
     * @throws SyncException when the answer is no usable root at all: unreadable, not a CA, a hash that does not
     *                       match, or not the pinned root
     */
    Decision judge(GetCAResponse answer, X509Certificate stored) throws SyncException {
        X509Certificate offered = checkRoot(answer);
        if (pin != null && !pin.matches(offered)) {
            throw new SyncException(FailureKind.PKI, "the PKI's GetCA answer is the root sha256:"
                    + Fingerprint.of(offered) + ", not the pinned sha256:" + pin.fingerprint()
                    + " (--pki-ca/--pki-fingerprint); refusing it");
        }
        if (stored == null) {
            return new Decision(offered, null);
        }
        if (!IssuedCertificateCheck.sameCertificate(stored, offered)) {
            return new Decision(stored, "the PKI now presents a different root (" + Fingerprint.of(offered)
                    + ") than the stored " + OutputLayout.CA + " (" + Fingerprint.of(stored) + "); refusing it. If the "
                    + "zone's root really changed, remove " + layout.ca() + " and the agent takes the new one");
        }
        return new Decision(stored, null);
    }

    private static X509Certificate checkRoot(GetCAResponse r) throws SyncException {
        X509Certificate root;
        try {
            root = Pem.certificate(r.getCertificate());
        } catch (PemException e) {
            throw new SyncException(FailureKind.PKI, "GetCA returned an unreadable certificate: " + e.getMessage());
        }
        if (!CertificateChecks.isIssuingCa(root)) {
            throw new SyncException(FailureKind.PKI, "GetCA returned a certificate that is not a CA");
        }
        String hash = Fingerprint.of(root);
        if (!r.getHash().isEmpty() && !r.getHash().equals(hash)) {
            throw new SyncException(FailureKind.PKI, "GetCA's hash " + r.getHash()
                    + " does not match its certificate (" + hash + ")");
        }
        return root;
    }
}
