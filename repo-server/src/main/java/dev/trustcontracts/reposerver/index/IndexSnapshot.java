package dev.trustcontracts.reposerver.index;

import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.TrustBundle;
import dev.trustcontracts.proto.v1.ContractEntry;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.ListContractsResponse;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.PeerCertificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The valid contracts of one commit of main at one instant, immutable, with the lookups the APIs need.
 * Answers (certificate sets, the contract list) are computed once per snapshot and then shared.
 */
public final class IndexSnapshot {
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private final long sequence = SEQUENCE.incrementAndGet();
    private final String commit;
    private final Instant generatedAt;
    private final List<VerifiedContract> contracts;
    private final Map<String, VerifiedContract> byName;
    private final Map<String, List<VerifiedContract>> byHash;
    private final Map<String, Set<String>> hashesByParticipantName;
    private final Map<String, GetCertificatesResponse> certificates = new ConcurrentHashMap<>();
    private volatile ListContractsResponse list;
    private volatile List<Ending> endings;

    public IndexSnapshot(String commit, Instant generatedAt, List<VerifiedContract> valid) {
        this.commit = commit;
        this.generatedAt = generatedAt;
        List<VerifiedContract> sorted = new ArrayList<>(valid);
        sorted.sort(Comparator.comparing(VerifiedContract::name));
        this.contracts = Collections.unmodifiableList(sorted);
        Map<String, VerifiedContract> names = new LinkedHashMap<>();
        Map<String, List<VerifiedContract>> hashes = new HashMap<>();
        Map<String, Set<String>> participantNames = new HashMap<>();
        for (VerifiedContract c : sorted) {
            names.put(c.name(), c);
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                // a zone during a root rotation asks with either root: a contract is found by its next root too
                listedBy(hashes, p.getHash(), c);
                if (p.hasNext()) {
                    listedBy(hashes, p.getNext().getHash(), c);
                }
                participantNames.computeIfAbsent(p.getName(), n -> new TreeSet<>()).add(p.getHash());
            }
        }
        this.byName = Collections.unmodifiableMap(names);
        this.byHash = hashes;
        this.hashesByParticipantName = participantNames;
    }

    /** Records that {@code c} lists the root {@code hash}, once per contract. */
    private static void listedBy(Map<String, List<VerifiedContract>> hashes, String hash, VerifiedContract c) {
        List<VerifiedContract> list = hashes.computeIfAbsent(hash, h -> new ArrayList<>());
        if (list.isEmpty() || list.get(list.size() - 1) != c) {
            list.add(c);
        }
    }

    /** Increases with every snapshot made, so that consumers can drop an older one arriving late. */
    public long sequence() {
        return sequence;
    }

    public String commit() {
        return commit;
    }

    public Instant generatedAt() {
        return generatedAt;
    }

    /** Valid contracts, ordered by name. */
    public List<VerifiedContract> contracts() {
        return contracts;
    }

    public Optional<VerifiedContract> contract(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The earliest instant at which a contract in this snapshot stops holding, if any. */
    public Optional<Instant> nextExpiry() {
        return contracts.stream().map(VerifiedContract::validUntil).min(Comparator.naturalOrder());
    }

    /** Every contract and every listed root, soonest end first (computed once per snapshot). */
    public List<Ending> endings() {
        List<Ending> e = endings;
        if (e == null) {
            e = Ending.of(contracts);
            endings = e;
        }
        return e;
    }

    /** The root fingerprints that participants of this name use (several when zones share a name). */
    public Set<String> hashesOf(String participantName) {
        return hashesByParticipantName.getOrDefault(participantName, Set.of());
    }

    /**
     * The peers of the zone with this root (its current or, during a rotation, its next root): every other
     * participant of every valid contract that lists it.
     */
    public TrustBundle bundle(String hash) {
        return TrustBundle.derive(hash, byHash.getOrDefault(hash, List.of()));
    }

    public GetCertificatesResponse certificates(String hash) {
        return certificates.computeIfAbsent(hash, h -> {
            GetCertificatesResponse.Builder b = GetCertificatesResponse.newBuilder()
                    .setCommit(commit)
                    .setGeneratedAt(timestamp(generatedAt));
            for (PeerRoot p : bundle(h).peers()) {
                b.addCertificates(PeerCertificate.newBuilder()
                        .setParticipant(p.name())
                        .setCertificate(p.certificate())
                        .setHash(p.hash())
                        .setTrustDomain(p.trustDomain())
                        .addAllContracts(p.contracts()));
            }
            return b.build();
        });
    }

    public ListContractsResponse list() {
        ListContractsResponse l = list;
        if (l == null) {
            ListContractsResponse.Builder b = ListContractsResponse.newBuilder().setCommit(commit);
            for (VerifiedContract c : contracts) {
                b.addContracts(entry(c));
            }
            l = b.build();
            list = l;
        }
        return l;
    }

    public static ContractEntry entry(VerifiedContract c) {
        return ContractEntry.newBuilder().setPath(c.path()).setContract(c.contract()).build();
    }

    static Timestamp timestamp(Instant t) {
        return ProtoTime.toTimestamp(t);
    }

    /** A cheap identity of the valid set, to tell whether a re-judgement changed anything. */
    String fingerprint() {
        Map<String, String> m = new TreeMap<>();
        contracts.forEach(c -> m.put(c.path(), c.id()));
        return commit + m;
    }
}
