package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.Ending;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import dev.trustcontracts.reposerver.index.Listing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The searchable, sortable lists of one index snapshot (contracts, zones, endings), built once for the
 * snapshot the first request sees and shared by every request until the index publishes another; nothing
 * about them is computed per request but the page.
 */
final class SnapshotLists {
    /** Contracts whose effective expiry is this close are counted as expiring (the UI's highlight). */
    static final Duration EXPIRING = Duration.ofDays(30);

    /** The lists of one snapshot. */
    record Lists(IndexSnapshot snapshot, Listing<VerifiedContract> contracts, Listing<Map<String, Object>> zones,
                 Map<String, Map<String, Object>> zonesByHash, Listing<Ending> endings, int expiring) {
        /** A validator for conditional GETs: the same while the snapshot is. */
        String etag() {
            return "W/\"" + snapshot.commit() + "." + snapshot.sequence() + "\"";
        }
    }

    private final ContractIndex index;
    /** Builds the lists of a new valid set as soon as the index publishes it, so that no request waits for it. */
    private final java.util.concurrent.ThreadPoolExecutor warm = new java.util.concurrent.ThreadPoolExecutor(0, 1,
            10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "api-lists");
                t.setDaemon(true);
                return t;
            });
    private Lists lists;

    SnapshotLists(ContractIndex index) {
        this.index = index;
        index.addListener(s -> prepare());
        if (index.loaded()) {
            prepare();
        }
    }

    private void prepare() {
        warm.execute(() -> {
            try {
                current();
            } catch (RuntimeException e) {
                // the next request builds them, and reports what failed
            }
        });
    }

    /**
     * The lists of the current snapshot. A snapshot of the same valid set (the index re-judges main every
     * minute) keeps the lists and recounts only what depends on the time; concurrent requests wait for one build.
     */
    synchronized Lists current() {
        IndexSnapshot s = index.current();
        Lists l = lists;
        if (l != null && l.snapshot() == s) {
            return l;
        }
        if (l != null && sameValidSet(l.snapshot(), s)) {
            l = new Lists(s, l.contracts(), l.zones(), l.zonesByHash(), l.endings(), expiring(s));
        } else {
            l = build(s);
        }
        lists = l;
        return l;
    }

    /** Same commit and the same valid files: the same contracts (a file of a commit does not change). */
    private static boolean sameValidSet(IndexSnapshot a, IndexSnapshot b) {
        if (!a.commit().equals(b.commit()) || a.contracts().size() != b.contracts().size()) {
            return false;
        }
        for (int i = 0; i < a.contracts().size(); i++) {
            if (!a.contracts().get(i).path().equals(b.contracts().get(i).path())) {
                return false;
            }
        }
        return true;
    }

    static Lists build(IndexSnapshot s) {
        List<Map<String, Object>> zones = ZoneView.zones(s);
        Map<String, Map<String, Object>> byHash = new java.util.HashMap<>();
        zones.forEach(z -> byHash.put((String) z.get("hash"), z));
        return new Lists(s, contracts(s.contracts()), zones(zones), Map.copyOf(byHash), endings(s.endings()),
                expiring(s));
    }

    static Listing<VerifiedContract> contracts(List<VerifiedContract> byName) {
        Map<String, Comparator<VerifiedContract>> sorts = new LinkedHashMap<>();
        Comparator<VerifiedContract> name = Comparator.comparing(VerifiedContract::name);
        sorts.put("name", name);
        sorts.put("expiry", Comparator.comparing(VerifiedContract::effectiveExpiry).thenComparing(name));
        sorts.put("notBefore", Comparator.comparing((VerifiedContract c) ->
                ProtoTime.toInstant(c.contract().getBody().getNotBefore())).thenComparing(name));
        sorts.put("notAfter", Comparator.comparing((VerifiedContract c) ->
                ProtoTime.toInstant(c.contract().getBody().getNotAfter())).thenComparing(name));
        return new Listing<>(byName, c -> {
            List<String> words = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            words.add(c.name());
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                words.add(p.getName());
                hashes.add(p.getHash());
                if (p.hasNext()) {
                    hashes.add(p.getNext().getHash());
                }
            }
            return Listing.Terms.of(words, hashes);
        }, sorts);
    }

    @SuppressWarnings("unchecked")
    static Listing<Map<String, Object>> zones(List<Map<String, Object>> byName) {
        Map<String, Comparator<Map<String, Object>>> sorts = new LinkedHashMap<>();
        Comparator<Map<String, Object>> name = Comparator.comparing((Map<String, Object> z) -> (String) z.get("name"))
                .thenComparing(z -> (String) z.get("hash"));
        sorts.put("name", name);
        sorts.put("hash", Comparator.comparing(z -> (String) z.get("hash")));
        sorts.put("contracts", Comparator.comparing((Map<String, Object> z) -> ((List<?>) z.get("contracts")).size())
                .thenComparing(name));
        sorts.put("trusts", Comparator.comparing((Map<String, Object> z) -> ((List<?>) z.get("trusts")).size())
                .thenComparing(name));
        return new Listing<>(byName, z -> {
            List<String> words = new ArrayList<>((List<String>) z.get("names"));
            words.addAll((List<String>) z.get("trustDomains"));
            return Listing.Terms.of(words, List.of((String) z.get("hash")));
        }, sorts);
    }

    static Listing<Ending> endings(List<Ending> soonestFirst) {
        Map<String, Comparator<Ending>> sorts = new LinkedHashMap<>();
        sorts.put("endsAt", (a, b) -> 0); // the order they come in: soonest first, then kind and name
        sorts.put("name", Comparator.comparing(Ending::name).thenComparing(Ending::kind));
        sorts.put("kind", Comparator.comparing(Ending::kind));
        return new Listing<>(soonestFirst, e -> Listing.Terms.of(List.of(e.name()),
                e.fingerprint() == null ? List.of() : List.of(e.fingerprint())), sorts);
    }

    /** Contracts whose effective expiry is within {@link #EXPIRING} of the snapshot's judgement. */
    private static int expiring(IndexSnapshot s) {
        Instant horizon = s.generatedAt().plus(EXPIRING);
        int n = 0;
        for (VerifiedContract c : s.contracts()) {
            if (c.effectiveExpiry().isBefore(horizon)) {
                n++;
            }
        }
        return n;
    }
}
