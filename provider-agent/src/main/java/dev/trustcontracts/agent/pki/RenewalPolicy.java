package dev.trustcontracts.agent.pki;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * When the agent's certificate must be replaced: once expired, once two thirds of its lifetime have passed
 * (a third is left to ride out a PKI outage), when its name is not the one asked for, or when it chains to an own
 * root that no longer issues (after {@code pki rotate switch}: the certificate moves to the new root at once, so
 * that the old root can be dropped from the contracts without waiting for a renewal).
 */
public final class RenewalPolicy {
    private RenewalPolicy() {
    }

    /**
     * Why the leaf must be replaced at {@code now}, or null when it is good.
     *
     * @param name        the name the certificate must carry, or null when any name will do
     * @param issuingRoot the fingerprint of the root the PKI issues from now, or null when unknown
     */
    static String reason(ZoneMaterial.Leaf leaf, String name, Instant now, String issuingRoot) {
        Instant nb = leaf.notBefore();
        Instant na = leaf.notAfter();
        if (now.isAfter(na)) {
            return "the certificate expired at " + na;
        }
        Instant due = nb.plus(Duration.between(nb, na).multipliedBy(2).dividedBy(3));
        if (!now.isBefore(due)) {
            return "two thirds of its lifetime passed at " + due;
        }
        if (name != null && !name.equals(commonName(leaf.certificate()))) {
            return "its name is " + commonName(leaf.certificate()) + ", not " + name;
        }
        String root = Fingerprint.of(leaf.chain().get(leaf.chain().size() - 1));
        if (issuingRoot != null && !issuingRoot.equals(root)) {
            return "it chains to the root sha256:" + root + ", and the PKI issues from sha256:" + issuingRoot
                    + " now (pki rotate switch)";
        }
        return null;
    }

    /** The certificate's first CN, or "" when it has none. */
    public static String commonName(X509Certificate c) {
        X500Name n = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        var rdns = n.getRDNs(BCStyle.CN);
        return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}
