package dev.trustcontracts.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate the CA issued, with its chain.
 *
 * @param certificate the issued certificate
 * @param chain       the certificate first, then up to and including the root
 */
public record IssuedCertificate(X509Certificate certificate, List<X509Certificate> chain) {
    public IssuedCertificate {
        chain = List.copyOf(chain);
    }
}
