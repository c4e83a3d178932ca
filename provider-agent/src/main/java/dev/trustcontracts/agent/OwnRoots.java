package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The zone's own roots as its PKI publishes them: the established root, and during a root rotation
 * ({@code trustctl pki rotate}) the next one. A certificate of the zone chains to either; both are in every
 * output that trusts the zone (ca.pem, chain.pem, truststore.p12) until the rotation finishes.
 *
 * @param established the root GetCA names as the zone's root ({@code certificate}); the one a pin starts from
 * @param next        the next root of a running rotation, or null
 */
public record OwnRoots(X509Certificate established, X509Certificate next) {
    public OwnRoots {
        if (established == null) {
            throw new IllegalArgumentException("a zone has an established root");
        }
        if (next != null && Fingerprint.of(next).equals(Fingerprint.of(established))) {
            throw new IllegalArgumentException("the next root is the established one");
        }
    }

    /** One root, no rotation. */
    public static OwnRoots of(X509Certificate root) {
        return new OwnRoots(root, null);
    }

    /** The established root first, then the next one. */
    public List<X509Certificate> all() {
        return next == null ? List.of(established) : List.of(established, next);
    }

    /** Their fingerprints, in the order of {@link #all()}. */
    public List<String> hashes() {
        List<String> out = new ArrayList<>();
        for (X509Certificate c : all()) {
            out.add(Fingerprint.of(c));
        }
        return List.copyOf(out);
    }

    public boolean contains(String hash) {
        return hashes().contains(hash);
    }

    public boolean contains(X509Certificate root) {
        return contains(Fingerprint.of(root));
    }

    /** The established root's fingerprint: the zone's identity where one hash is asked for. */
    public String establishedHash() {
        return Fingerprint.of(established);
    }

    /** Every root as PEM, re-encoded from the DER, the established one first: what ca.pem holds. */
    public String pem() {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : all()) {
            sb.append(Pem.encode(c));
        }
        return sb.toString();
    }
}
