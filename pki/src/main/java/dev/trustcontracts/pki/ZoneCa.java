package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A zone's root CA, loaded: the zone name, the self-signed root and its key.
 *
 * @param zone        the zone name, as the root's subject names it
 * @param certificate the root certificate
 * @param privateKey  the root's private key
 */
public record ZoneCa(String zone, X509Certificate certificate, PrivateKey privateKey) {

    /** Lowercase hex SHA-256 of the root's DER encoding, as contracts carry it. */
    public String fingerprint() {
        return Fingerprint.of(certificate);
    }

    @Override
    public String toString() {
        return "ZoneCa[" + zone + ", " + fingerprint() + "]"; // never the key
    }
}
