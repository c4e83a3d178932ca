package dev.trustcontracts.agent;

import java.security.cert.X509Certificate;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.TrustBundle;
import dev.trustcontracts.proto.v1.Participant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A root in the agent's chain.pem with its end, for the expiry warnings and the per-root gauge.
 *
 * @param zone        the participant name the contracts give the root (empty for the zone's own root while no
 *                    contract lists it)
 * @param fingerprint its SHA-256 fingerprint, 64 hex digits
 * @param own         whether it is one of the zone's own roots (current or next) rather than a peer's
 * @param notAfter    its notAfter
 * @param contracts   the contracts it is trusted through, sorted (empty for the own root the bundle is derived for)
 */
public record RootExpiry(String zone, String fingerprint, boolean own, Instant notAfter, List<String> contracts) {
    public RootExpiry {
        contracts = List.copyOf(contracts);
    }

    /** "own" or "peer": the {@code role} label. */
    public String role() {
        return own ? "own" : "peer";
    }

    /** Every root chain.pem holds: the zone's root, its other own roots, then the peers' (the bundle's order). */
    static List<RootExpiry> of(ZoneMaterial zone, TrustBundle bundle, List<VerifiedContract> trusted) {
        List<RootExpiry> out = new ArrayList<>();
        // every root the zone's PKI publishes: the established one, and the next one during a rotation
        for (X509Certificate root : zone.roots().all()) {
            String hash = Fingerprint.of(root);
            out.add(new RootExpiry(nameOf(hash, trusted), hash, true, root.getNotAfter().toInstant(), List.of()));
        }
        for (PeerRoot r : bundle.ownRoots()) {
            out.add(of(r, true));
        }
        for (PeerRoot r : bundle.peers()) {
            out.add(of(r, false));
        }
        return out;
    }

    private static RootExpiry of(PeerRoot r, boolean own) {
        // the bundle only holds roots of verified contracts, so each parses
        return new RootExpiry(r.name(), r.hash(), own, Pem.certificate(r.certificate()).getNotAfter().toInstant(),
                r.contracts());
    }

    /** The participant name a contract gives the root, or empty when none lists it. */
    private static String nameOf(String hash, List<VerifiedContract> trusted) {
        for (VerifiedContract c : trusted) {
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                if (p.getHash().equals(hash) || (p.hasNext() && p.getNext().getHash().equals(hash))) {
                    return p.getName();
                }
            }
        }
        return "";
    }
}
