package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's certificate and key as stored in cert.pem and key.pem, taken only when they are readable, the
 * key fits the certificate and the certificate chains to one of the zone's own roots (during a rotation, either).
 * The last leaf read or issued is kept
 * with the bytes it came from, so that unchanged files are not parsed again every cycle.
 */
final class StoredLeaf {
    /** Logs under the keeper's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    private record Cached(String certPem, String keyPem, List<String> rootHashes, ZoneMaterial.Leaf leaf) {
    }

    private final OutputLayout layout;
    private Cached cached;

    StoredLeaf(OutputLayout layout) {
        this.layout = layout;
    }

    /** The certificate on disk when it is readable, fits its key and chains to an own root; else null. */
    ZoneMaterial.Leaf read(OwnRoots roots) throws SyncException {
        List<String> rootHashes = roots.hashes();
        String certPem = layout.readTextIfPresent(OutputLayout.CERT);
        String keyPem = layout.readTextIfPresent(OutputLayout.KEY);
        if (certPem == null || keyPem == null) {
            return null;
        }
        Cached c = cached;
        if (c != null && c.certPem.equals(certPem) && c.keyPem.equals(keyPem) && c.rootHashes.equals(rootHashes)) {
            return c.leaf;
        }
        try {
            List<X509Certificate> certs = Pem.certificates(certPem);
            PrivateKey key = Pem.privateKey(keyPem);
            List<X509Certificate> chain = IssuedCertificateCheck.chainToAny(certs, roots);
            if (!KeyMatch.fits(key, chain.get(0).getPublicKey())) {
                LOG.warn("{} does not belong to {}; a new certificate will be requested", OutputLayout.KEY,
                        OutputLayout.CERT);
                return null;
            }
            // what is written back is re-encoded from what was parsed, never the text found on disk; the key in
            // its one canonical PKCS#8 form, so that a key.pem already in that form is left alone
            ZoneMaterial.Leaf leaf = new ZoneMaterial.Leaf(Pem.encode(chain.subList(0, chain.size() - 1)),
                    CanonicalKey.pem(key), key, chain);
            cached = new Cached(certPem, keyPem, rootHashes, leaf);
            return leaf;
        } catch (PemException | GeneralSecurityException e) {
            LOG.warn("{} does not chain to a zone root or is unreadable ({}); a new certificate will be requested",
                    OutputLayout.CERT, e.getMessage());
            return null;
        }
    }

    /** Remembers a leaf just issued under {@code roots}, as the files it is about to be written to will hold it. */
    void remember(ZoneMaterial.Leaf issued, OwnRoots roots) {
        cached = new Cached(issued.certPem(), issued.keyPem(), roots.hashes(), issued);
    }
}
