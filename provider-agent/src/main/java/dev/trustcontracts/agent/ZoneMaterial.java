package dev.trustcontracts.agent;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The zone's own material for one cycle: its root, and the agent's certificate and key when it has one.
 *
 * @param root        the zone's root CA certificate
 * @param rootPem     its PEM, as ca.pem holds it
 * @param ownHash     its SHA-256 fingerprint: the zone's identity in contracts
 * @param leaf        the agent's certificate, key and chain, or null when none could be obtained yet
 * @param pkiProblem  what went wrong with the PKI in this cycle (outputs still written), or null
 * @param renewed     whether the leaf was issued in this cycle
 */
public record ZoneMaterial(X509Certificate root, String rootPem, String ownHash, Leaf leaf, String pkiProblem,
        boolean renewed) {

    /**
     * @param certPem leaf then intermediates (never the root), as cert.pem holds it
     * @param keyPem  PKCS#8 private key, as key.pem holds it
     * @param key     the private key
     * @param chain   leaf first, up to and including the root
     */
    public record Leaf(String certPem, String keyPem, PrivateKey key, List<X509Certificate> chain) {
        public Leaf {
            chain = List.copyOf(chain);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }

        public Instant notAfter() {
            return certificate().getNotAfter().toInstant();
        }

        public Instant notBefore() {
            return certificate().getNotBefore().toInstant();
        }
    }
}
