package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.tls.PemTls;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server only through the pinned zone roots ({@link PinSet}): a root pinned by certificate
 * ({@code --pki-ca}) or learned from the PKI, or, pinned by fingerprint, the certificate in the presented chain
 * whose SHA-256 equals a pin; the chain is then verified by PKIX against those roots only (signatures, validity,
 * and the host name the caller dialled). A chain with no such root is refused before anything else. During a
 * root rotation the PKI's own certificate chains to the current root until {@code pki rotate finish}, then to the
 * new one: the agent accepts the new one once it learned it (as the next root) from the pinned PKI, and never again
 * a root it saw retired.
 */
final class PinnedRootTrustManager extends X509ExtendedTrustManager {
    private final PinSet pins;
    private volatile Anchored anchored;

    private record Anchored(List<String> fingerprints, X509ExtendedTrustManager pkix) {
    }

    PinnedRootTrustManager(PkiPin pin) {
        this(PinSet.of(pin));
    }

    PinnedRootTrustManager(PinSet pins) {
        this.pins = pins;
    }

    /** PKIX against exactly the accepted roots, known or found in the chain. */
    private X509ExtendedTrustManager pkixFor(X509Certificate[] chain) throws CertificateException {
        List<X509Certificate> roots = pins.anchors(chain);
        if (roots.isEmpty()) {
            throw new CertificateException("the server's certificate chain does not include the pinned zone root "
                    + pins.describe() + " (it ends in " + describe(chain) + ")");
        }
        for (X509Certificate root : roots) {
            if (!CertificateChecks.isCa(root)) {
                throw new CertificateException("the certificate with the pinned fingerprint is not a CA");
            }
        }
        List<String> fps = roots.stream().map(Fingerprint::of).toList();
        Anchored a = anchored;
        if (a == null || !a.fingerprints().equals(fps)) {
            try {
                a = new Anchored(fps, PemTls.trustManager(roots));
                anchored = a;
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new CertificateException("cannot build a trust manager for the pinned root: " + e.getMessage(), e);
            }
        }
        return a.pkix();
    }

    private static String describe(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "nothing";
        }
        X509Certificate last = chain[chain.length - 1];
        return name(last.getSubjectX500Principal()) + ", sha256:" + Fingerprint.of(last)
                + (last.getSubjectX500Principal().equals(last.getIssuerX500Principal()) ? ""
                        : ", issued by " + name(last.getIssuerX500Principal()));
    }

    /** A distinguished name with the zone root's SERIALNUMBER spelled out rather than as hex. */
    static String name(javax.security.auth.x500.X500Principal p) {
        return p.getName(javax.security.auth.x500.X500Principal.RFC2253, java.util.Map.of("2.5.4.5", "SERIALNUMBER"));
    }

    /** One PKIX check against the pinned root, whose refusal names the pin and what was presented. */
    @FunctionalInterface
    private interface Check {
        void run(X509ExtendedTrustManager pkix) throws CertificateException;
    }

    private void verify(X509Certificate[] chain, Check check) throws CertificateException {
        X509ExtendedTrustManager pkix = pkixFor(chain);
        try {
            check.run(pkix);
        } catch (CertificateException e) {
            throw new CertificateException("the server's certificate does not chain to the pinned zone root "
                    + pins.describe() + " (it ends in " + describe(chain) + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // without an SSLEngine or socket the host name the caller dialled cannot be checked: refuse, never skip
        throw new CertificateException("the PKI's certificate can only be checked with the host name dialled "
                + "(SSLEngine or socket variant)");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client-side trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pins.anchors(null).toArray(new X509Certificate[0]);
    }
}
