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
 * ordered by fingerprint so that the same contracts always give the same bytes. A participant lists one
 * root, or two during a rotation of its root (current and next): a zone is in a contract when either of
 * the participant's roots is its own, every listed root of every peer is a peer root, and the other root
 * listed beside its own is one of {@link #ownRoots()}. That is safe to trust because a participant with
 * two roots has signed with each of them (docs/contracts.md).
 *
 * @param ownHash  the fingerprint of the zone's root the bundle was derived for
 * @param peers    every root of every other participant, by fingerprint
 * @param ownRoots the zone's other roots: those listed beside {@code ownHash} for the same participant (its
 *                 next root, or its current root when {@code ownHash} is the next one), by fingerprint;
 *                 empty outside a rotation
 */
public record TrustBundle(String ownHash, List<PeerRoot> peers, List<PeerRoot> ownRoots) {
    public TrustBundle {
        peers = List.copyOf(peers);
        ownRoots = List.copyOf(ownRoots);
    }

    /** A bundle with no other own roots, as before roots could rotate. */
    public TrustBundle(String ownHash, List<PeerRoot> peers) {
        this(ownHash, peers, List.of());
    }

    /** Derives the bundle of the zone whose root has fingerprint {@code ownHash}. */
    public static TrustBundle derive(String ownHash, Collection<VerifiedContract> contracts) {
        List<VerifiedContract> byName = new ArrayList<>(contracts);
        byName.sort(Comparator.comparing(VerifiedContract::name));
        Map<String, Listed> peerRoots = new TreeMap<>();
        Map<String, Listed> otherOwn = new TreeMap<>();
        for (VerifiedContract c : byName) {
            List<Participant> ps = c.contract().getBody().getParticipantsList();
            if (ps.stream().noneMatch(p -> lists(p, ownHash))) {
                continue;
            }
            for (Participant p : ps) {
                Map<String, Listed> into = lists(p, ownHash) ? otherOwn : peerRoots;
                add(into, p, p.getHash(), p.getCertificate(), c.name());
                if (p.hasNext()) {
                    add(into, p, p.getNext().getHash(), p.getNext().getCertificate(), c.name());
                }
            }
        }
        otherOwn.remove(ownHash);
        peerRoots.remove(ownHash);
        // a root is the zone's own or a peer's, never both (one contract cannot list it twice; across
        // contracts, the zone signed with it wherever it is listed)
        otherOwn.keySet().forEach(peerRoots::remove);
        return new TrustBundle(ownHash, roots(peerRoots), roots(otherOwn));
    }

    /** Whether the participant lists the root as its current or next root. */
    private static boolean lists(Participant p, String hash) {
        return p.getHash().equals(hash) || (p.hasNext() && p.getNext().getHash().equals(hash));
    }

    /** A root as first seen (contracts by name), and every contract that lists it. */
    private record Listed(Participant participant, String certificate, List<String> contracts) {
    }

    private static void add(Map<String, Listed> into, Participant p, String hash, String certificate, String contract) {
        into.computeIfAbsent(hash, h -> new Listed(p, certificate, new ArrayList<>())).contracts().add(contract);
    }

    private static List<PeerRoot> roots(Map<String, Listed> byHash) {
        List<PeerRoot> out = new ArrayList<>();
        byHash.forEach((hash, l) -> out.add(new PeerRoot(l.participant().getName(), hash, l.certificate(),
                l.participant().getTrustDomain(), l.contracts())));
        return out;
    }

    /**
     * Every root the zone trusts besides the own root the bundle was derived for: its other own roots,
     * then the peers'. What an agent writes after its own root.
     */
    public List<PeerRoot> roots() {
        List<PeerRoot> all = new ArrayList<>(ownRoots);
        all.addAll(peers);
        return List.copyOf(all);
    }

    /** The PEM trust bundle a proxy reads: the own root first, then its other own roots, then the peers in fingerprint order. */
    public String chainPem(String ownRootPem) {
        StringBuilder sb = new StringBuilder(ensureNewline(ownRootPem));
        for (PeerRoot p : roots()) {
            sb.append(ensureNewline(p.certificate()));
        }
        return sb.toString();
    }

    private static String ensureNewline(String pem) {
        return pem.endsWith("\n") ? pem : pem + "\n";
    }
}
