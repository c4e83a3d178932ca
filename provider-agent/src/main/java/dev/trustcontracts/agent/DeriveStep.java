package dev.trustcontracts.agent;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
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
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the tree of the commit in use (through the {@link ScanCache}) and derives the trust bundle for the
 * zone's own root, leaving out every contract whose id was removed from main (a replay). The last derivation
 * is reused while its inputs are the same; health is told the counts and each contract's effective expiry.
 */
final class DeriveStep implements CycleStep<HistoryStep.Judged, DeriveStep.Derived> {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /** @param bundle the trust bundle, or null when no commit is in use */
    record Derived(HistoryStep.Judged judged, TrustBundle bundle) {
    }

    /** The inputs of the last derivation and its bundle: reused while the inputs are the same objects. */
    private record Last(ScanResult scan, String ownHash, int revokedCount, TrustBundle bundle) {
        static final Last NONE = new Last(null, null, -1, null);
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
            return new Derived(judged, null);
        }
        ZoneMaterial zone = judged.zoned().zone();
        Instant now = judged.zoned().start().now();
        Map<String, AgentState.Revoked> known = state.current().revoked();
        Map<String, AgentState.Revoked> fresh = judged.removed();
        ScanResult scan;
        try {
            scan = scans.scan(mirror.repository(), use, now);
        } catch (IOException e) {
            throw repair.repair(e);
        }
        if (scan != last.scan() || !zone.ownHash().equals(last.ownHash()) || !fresh.isEmpty()
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
            TrustBundle bundle = TrustBundle.derive(zone.ownHash(), trusted);
            int revokedCount = known.size() + (int) fresh.keySet().stream().filter(id -> !known.containsKey(id)).count();
            last = new Last(scan, zone.ownHash(), revokedCount, bundle);
            status.bundle(bundle.peers().size(), countFiles(scan.problems()), replays, revokedCount);
            status.contractExpiries(expiries(zone.ownHash(), trusted));
            status.roots(RootExpiry.of(zone, bundle, trusted));
        }
        return new Derived(judged, last.bundle());
    }

    /** The effective expiry of each trusted contract this zone takes part in, by name. */
    static Map<String, Instant> expiries(String ownHash, List<VerifiedContract> trusted) {
        Map<String, Instant> out = new HashMap<>();
        for (VerifiedContract c : trusted) {
            if (c.contract().getBody().getParticipantsList().stream().anyMatch(p -> p.getHash().equals(ownHash))) {
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
