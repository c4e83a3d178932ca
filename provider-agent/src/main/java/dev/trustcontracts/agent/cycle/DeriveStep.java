package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.agent.status.RootExpiry;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.TrustBundle;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the tree of the commit in use (through the {@link ScanCache}) and derives the trust bundle for the
 * zone's own roots (both during a rotation: a contract takes part through either), leaving out every contract
 * whose id was removed from main (a replay). The last derivation
 * is reused while its inputs are the same; health is told the counts and each contract's effective expiry.
 */
final class DeriveStep implements CycleStep<HistoryStep.Judged, DeriveStep.Derived> {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /**
     * @param bundle the trust bundle, or null when no commit is in use
     * @param own    the own zone as the trusted contracts name it (for its SPIFFE trust domain), or null when none does
     */
    record Derived(HistoryStep.Judged judged, TrustBundle bundle, OwnZone own) {
    }

    /**
     * The own zone's participant name in the trusted contracts (the first by contract name that lists an own root)
     * and the trust domains they declare for it.
     */
    record OwnZone(String name, Set<String> declared) {
        OwnZone {
            declared = Set.copyOf(declared);
        }
    }

    /** The inputs of the last derivation and its bundle: reused while the inputs are the same objects. */
    private record Last(ScanResult scan, List<String> ownHashes, int revokedCount, TrustBundle bundle, OwnZone own) {
        static final Last NONE = new Last(null, List.of(), -1, null, null);
    }

    private final GitMirror mirror;
    private final ScanCache scans;
    private final AppliedState state;
    private final AgentStatus status;
    private final CloneRepair repair;
    private Last last = Last.NONE;
    /** The problems last logged (commit and problem list), so that an unchanged list is logged once. */
    private String lastProblemsLogged = "";
    /** Replays already warned about (id and path), so that each is logged once. */
    private final Set<String> replaysWarned = new HashSet<>();

    DeriveStep(GitMirror mirror, ScanCache scans, AppliedState state, AgentStatus status, CloneRepair repair) {
        this.mirror = mirror;
        this.scans = scans;
        this.state = state;
        this.status = status;
        this.repair = repair;
    }

    @Override
    public Derived apply(HistoryStep.Judged judged) throws SyncException {
        ObjectId use = judged.use();
        if (use == null) {
            return new Derived(judged, null, null);
        }
        ZoneMaterial zone = judged.zoned().zone();
        Instant now = judged.zoned().start().now();
        Map<String, AgentState.Revoked> known = state.current().revoked();
        Map<String, AgentState.Revoked> fresh = judged.removed();
        List<String> own = zone.roots().hashes();
        ScanResult scan;
        try {
            scan = scans.scan(mirror.repository(), use, now, own);
        } catch (IOException e) {
            throw repair.repair(e);
        }
        if (scan != last.scan() || !own.equals(last.ownHashes()) || !fresh.isEmpty()
                || known.size() != last.revokedCount()) {
            logProblems(use, scan);
            List<VerifiedContract> trusted = new ArrayList<>();
            int replays = 0;
            for (VerifiedContract c : scan.valid()) {
                AgentState.Revoked gone = known.containsKey(c.id()) ? known.get(c.id()) : fresh.get(c.id());
                if (gone != null) {
                    replays++;
                    if (replaysWarned.add(c.id() + " " + c.path())) {
                        LOG.warn("replay ignored: {} carries id {}, which was removed in commit {}; new trust "
                                + "needs a new contract", c.path(), c.id(), gone.commit());
                    }
                } else {
                    trusted.add(c);
                }
            }
            TrustBundle bundle = derive(own, trusted);
            int revokedCount = known.size() + (int) fresh.keySet().stream().filter(id -> !known.containsKey(id)).count();
            last = new Last(scan, own, revokedCount, bundle, ownZone(own, trusted));
            status.bundle(bundle.peers().size(), countFiles(scan.problems()), replays, revokedCount);
            status.contractExpiries(expiries(own, trusted));
            status.roots(RootExpiry.of(zone, bundle, trusted));
        }
        return new Derived(judged, last.bundle(), last.own());
    }

    /**
     * The bundle of a zone with these own roots (the established one first): the peers of every contract that
     * lists any of them, as its participant's current or next root, each peer root once (in fingerprint order,
     * naming every contract that lists it). The bundle's own roots are left empty: the zone's own roots are the ones
     * its PKI publishes, not whatever a contract lists beside them (after a rotation finished, a contract may still
     * list the retired root until it is rotated too).
     */
    static TrustBundle derive(List<String> ownHashes, List<VerifiedContract> trusted) {
        Map<String, PeerRoot> peers = new TreeMap<>();
        for (String own : ownHashes) {
            for (PeerRoot p : TrustBundle.derive(own, trusted).peers()) {
                if (ownHashes.contains(p.hash())) {
                    continue;
                }
                PeerRoot seen = peers.get(p.hash());
                if (seen == null) {
                    peers.put(p.hash(), p);
                } else {
                    TreeSet<String> contracts = new TreeSet<>(seen.contracts());
                    contracts.addAll(p.contracts());
                    peers.put(p.hash(), new PeerRoot(seen.name(), seen.hash(), seen.certificate(), seen.trustDomain(),
                            List.copyOf(contracts)));
                }
            }
        }
        return new TrustBundle(ownHashes.get(0), List.copyOf(peers.values()), List.of());
    }

    /** The own zone as the trusted contracts name it, or null when none lists an own root. */
    static OwnZone ownZone(List<String> ownHashes, List<VerifiedContract> trusted) {
        List<VerifiedContract> byName = new ArrayList<>(trusted);
        byName.sort(java.util.Comparator.comparing(VerifiedContract::name));
        String name = null;
        Set<String> declared = new TreeSet<>();
        for (VerifiedContract c : byName) {
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                if (ownHashes.contains(p.getHash()) || (p.hasNext() && ownHashes.contains(p.getNext().getHash()))) {
                    name = name == null ? p.getName() : name;
                    if (!p.getTrustDomain().isEmpty()) {
                        declared.add(p.getTrustDomain());
                    }
                }
            }
        }
        return name == null ? null : new OwnZone(name, declared);
    }

    /**
     * The effective expiry of each trusted contract this zone takes part in through any of its own roots (listed
     * as a participant's current or next root), by name.
     */
    static Map<String, Instant> expiries(List<String> ownHashes, List<VerifiedContract> trusted) {
        Map<String, Instant> out = new HashMap<>();
        for (VerifiedContract c : trusted) {
            if (c.contract().getBody().getParticipantsList().stream().anyMatch(p -> ownHashes.contains(p.getHash())
                    || (p.hasNext() && ownHashes.contains(p.getNext().getHash())))) {
                out.put(c.name(), c.effectiveExpiry());
            }
        }
        return out;
    }

    private void logProblems(ObjectId commit, ScanResult scan) {
        List<Problem> problems = scan.problems();
        String key = commit.name() + " " + problems.size() + " " + problems.hashCode();
        if (key.equals(lastProblemsLogged)) {
            return;
        }
        lastProblemsLogged = key;
        if (!problems.isEmpty()) {
            String lines = problems.stream().limit(20).map(Problem::toString).collect(Collectors.joining("\n  "));
            LOG.warn("commit {}: {} problem(s); the files concerned are not trusted:\n  {}{}", commit.name(),
                    problems.size(), lines, problems.size() > 20 ? "\n  ..." : "");
        }
    }

    private static int countFiles(List<Problem> problems) {
        return (int) problems.stream().map(Problem::file).distinct().count();
    }
}
