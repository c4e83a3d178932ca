package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.proto.v1.Participant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A zone's view of the valid contracts: the peer roots it shares at least one contract with, each once,
 * ordered by fingerprint so that the same contracts always give the same bytes.
 */
public record TrustBundle(String ownHash, List<PeerRoot> peers) {
    public TrustBundle {
        peers = List.copyOf(peers);
    }

    /** Derives the bundle of the zone whose root has fingerprint {@code ownHash}. */
    public static TrustBundle derive(String ownHash, Collection<VerifiedContract> contracts) {
        List<VerifiedContract> byName = new ArrayList<>(contracts);
        byName.sort(Comparator.comparing(VerifiedContract::name));
        Map<String, Participant> roots = new TreeMap<>();
        Map<String, List<String>> via = new TreeMap<>();
        for (VerifiedContract c : byName) {
            List<Participant> ps = c.contract().getBody().getParticipantsList();
            if (ps.stream().noneMatch(p -> p.getHash().equals(ownHash))) {
                continue;
            }
            for (Participant p : ps) {
                if (p.getHash().equals(ownHash)) {
                    continue;
                }
                roots.putIfAbsent(p.getHash(), p);
                via.computeIfAbsent(p.getHash(), h -> new ArrayList<>()).add(c.name());
            }
        }
        List<PeerRoot> peers = new ArrayList<>();
        roots.forEach((hash, p) -> peers.add(new PeerRoot(p.getName(), hash, p.getCertificate(),
                p.getTrustDomain(), via.get(hash))));
        return new TrustBundle(ownHash, peers);
    }

    /** The PEM trust bundle a proxy reads: the own root first, then the peers in fingerprint order. */
    public String chainPem(String ownRootPem) {
        StringBuilder sb = new StringBuilder(ensureNewline(ownRootPem));
        for (PeerRoot p : peers) {
            sb.append(ensureNewline(p.certificate()));
        }
        return sb.toString();
    }

    private static String ensureNewline(String pem) {
        return pem.endsWith("\n") ? pem : pem + "\n";
    }
}
