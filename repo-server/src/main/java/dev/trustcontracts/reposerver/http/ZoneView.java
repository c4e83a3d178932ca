package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who trusts whom on main, for {@code GET /api/zones} and {@code GET /api/zones/{hash}}: every zone (a
 * participant root, by fingerprint) with the zones it trusts and through which contracts, exactly the
 * bundle an agent of that zone derives. The list shows each zone without its contract lists (a zone of
 * 10,000 contracts would make one item megabytes); the detail carries them.
 */
final class ZoneView {
    private ZoneView() {
    }

    /** Every zone with its contracts and trusts, ordered by name then hash (built once per snapshot). */
    static List<Map<String, Object>> zones(IndexSnapshot s) {
        // zones by fingerprint; a root may be named differently in different contracts
        Map<String, TreeSet<String>> names = new TreeMap<>();
        Map<String, TreeSet<String>> trustDomains = new TreeMap<>();
        Map<String, TreeSet<String>> contracts = new TreeMap<>();
        for (VerifiedContract c : s.contracts()) {
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                names.computeIfAbsent(p.getHash(), h -> new TreeSet<>()).add(p.getName());
                if (!p.getTrustDomain().isEmpty()) {
                    trustDomains.computeIfAbsent(p.getHash(), h -> new TreeSet<>()).add(p.getTrustDomain());
                }
                contracts.computeIfAbsent(p.getHash(), h -> new TreeSet<>()).add(c.name());
            }
        }
        List<Map<String, Object>> zones = new ArrayList<>();
        for (var e : names.entrySet()) {
            String hash = e.getKey();
            Map<String, Object> z = new LinkedHashMap<>();
            z.put("name", e.getValue().first());
            z.put("names", List.copyOf(e.getValue()));
            z.put("hash", hash);
            z.put("trustDomains", List.copyOf(trustDomains.getOrDefault(hash, new TreeSet<>())));
            z.put("contracts", List.copyOf(contracts.get(hash)));
            List<Map<String, Object>> trusts = new ArrayList<>();
            for (PeerRoot peer : s.bundle(hash).peers()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", peer.name());
                t.put("hash", peer.hash());
                t.put("trustDomain", peer.trustDomain());
                t.put("contracts", peer.contracts());
                trusts.add(t);
            }
            z.put("trusts", trusts);
            zones.add(z);
        }
        zones.sort((a, b) -> {
            int c = ((String) a.get("name")).compareTo((String) b.get("name"));
            return c != 0 ? c : ((String) a.get("hash")).compareTo((String) b.get("hash"));
        });
        return List.copyOf(zones);
    }

    /** A zone as the list shows it: counts instead of contract lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> zone) {
        Map<String, Object> z = new LinkedHashMap<>();
        z.put("name", zone.get("name"));
        z.put("names", zone.get("names"));
        z.put("hash", zone.get("hash"));
        z.put("trustDomains", zone.get("trustDomains"));
        z.put("contractCount", ((List<?>) zone.get("contracts")).size());
        List<Map<String, Object>> trusts = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) zone.get("trusts")) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", t.get("name"));
            s.put("hash", t.get("hash"));
            s.put("trustDomain", t.get("trustDomain"));
            s.put("contractCount", ((List<?>) t.get("contracts")).size());
            trusts.add(s);
        }
        z.put("trusts", trusts);
        return z;
    }
}
