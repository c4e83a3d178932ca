package dev.trustcontracts.agent.pki;

import dev.trustcontracts.agent.output.AgentState;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The zone's own material for one cycle: its roots, and the agent's certificate and key when it has one.
 *
 * @param roots       the zone's own roots: the established one, and the next one during a rotation
 * @param leaf        the agent's certificate, key and chain, or null when none could be obtained yet
 * @param pkiProblem  what went wrong with the PKI in this cycle (outputs still written), or null
 * @param renewed     whether the leaf was issued in this cycle
 * @param pki         what the state file is to remember of the PKI (roots, pins, retired roots); null to leave it
 */
public record ZoneMaterial(OwnRoots roots, Leaf leaf, String pkiProblem, boolean renewed, AgentState.Pki pki) {

    /** The established root. */
    public X509Certificate root() {
        return roots.established();
    }

    /** Every own root as PEM, the established one first: what ca.pem holds. */
    public String rootPem() {
        return roots.pem();
    }

    /** The established root's SHA-256 fingerprint: the zone's identity where one hash is asked for. */
    public String ownHash() {
        return roots.establishedHash();
    }

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
