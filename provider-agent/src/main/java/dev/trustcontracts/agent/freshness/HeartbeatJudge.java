package dev.trustcontracts.agent.freshness;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatException;
import dev.trustcontracts.core.heartbeat.HeartbeatFile;
import dev.trustcontracts.core.heartbeat.HeartbeatVerifier;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Judges candidate heartbeats (one per remote) against the commit the agent's outputs reflect. A heartbeat counts
 * only if its signature verifies with the pinned key, it is not dated after this agent's clock by more than
 * {@link #MAX_SKEW}, and its main commit X is the applied commit or on the applied commit's first-parent chain:
 * then the agent's state is at least as new as main was at T. The freshest counted heartbeat (latest T) gives the
 * age. Stateless: the candidates fetched stay in the clone, so a restart judges the same way.
 */
public final class HeartbeatJudge {
    /** How far a heartbeat may be dated after this agent's clock (clocks of server and agent differ a little). */
    public static final Duration MAX_SKEW = Duration.ofMinutes(2);
    /** A reason of the agent's own (beside the verifier's {@link HeartbeatException.Reason}): dated too far ahead. */
    public static final String FUTURE = "future";
    /** A reason of the agent's own: the heartbeat names a main this agent has not applied. */
    public static final String NOT_APPLIED = "not_applied";

    private final HeartbeatVerifier verifier;
    private final int maxFirstParents;

    /** @param maxFirstParents how many first parents of the applied commit are searched for X at most */
    public HeartbeatJudge(HeartbeatVerifier verifier, int maxFirstParents) {
        this.verifier = verifier;
        this.maxFirstParents = maxFirstParents;
    }

    /**
     * @param applied the commit the outputs reflect after this cycle, or null when there is none
     */
    public HeartbeatJudgement judge(Repository repo, List<HeartbeatCandidate> candidates, ObjectId applied,
            Instant now) {
        HeartbeatJudgement.Counted freshest = null;
        List<HeartbeatJudgement.NotCounted> notCounted = new ArrayList<>();
        for (HeartbeatCandidate c : candidates) {
            String where = "heartbeat " + c.object().abbreviate(10).name() + " from " + c.remote();
            Heartbeat h;
            try {
                h = verifier.verify(read(repo, c.object()));
            } catch (HeartbeatException e) {
                notCounted.add(new HeartbeatJudgement.NotCounted(c.remote(), c.object().name(), e.reason().label(),
                        where + ": " + e.getMessage()));
                continue;
            } catch (IOException e) {
                notCounted.add(new HeartbeatJudgement.NotCounted(c.remote(), c.object().name(),
                        HeartbeatException.Reason.MALFORMED.label(), where + ": " + e.getMessage()));
                continue;
            }
            if (h.issuedAt().isAfter(now.plus(MAX_SKEW))) {
                notCounted.add(new HeartbeatJudgement.NotCounted(c.remote(), c.object().name(), FUTURE,
                        where + ": dated " + h.issuedAt() + ", after this agent's clock (" + now + ") by more than "
                                + MAX_SKEW.toSeconds() + " s"));
                continue;
            }
            if (!onFirstParentChain(repo, ObjectId.fromString(h.mainCommit()), applied)) {
                notCounted.add(new HeartbeatJudgement.NotCounted(c.remote(), c.object().name(), NOT_APPLIED,
                        where + ": main moved to " + h.mainCommit() + " at " + h.issuedAt()
                                + "; this agent has not got it (applied: "
                                + (applied == null ? "none" : applied.name()) + ")"));
                continue;
            }
            if (freshest == null || h.issuedAt().isAfter(freshest.heartbeat().issuedAt())) {
                freshest = new HeartbeatJudgement.Counted(c.remote(), h);
            }
        }
        return new HeartbeatJudgement(freshest, notCounted);
    }

    /** The heartbeat file of a commit or blob ({@link HeartbeatFile}), with one line when an object is missing. */
    private static byte[] read(Repository repo, ObjectId id) throws IOException {
        try (ObjectReader reader = repo.newObjectReader()) {
            return HeartbeatFile.read(reader, id);
        } catch (MissingObjectException e) {
            throw new IOException("not a heartbeat: object " + e.getObjectId().name() + " is missing");
        }
    }

    /** Whether {@code x} is {@code applied} or one of its first parents (at most {@link #maxFirstParents}). */
    private boolean onFirstParentChain(Repository repo, ObjectId x, ObjectId applied) {
        if (applied == null) {
            return false;
        }
        try (RevWalk rw = new RevWalk(repo)) {
            if (!repo.getObjectDatabase().has(x)) {
                return false; // the usual "not applied": a main this clone never received; no walk needed
            }
            RevCommit c = rw.parseCommit(applied);
            for (int i = 0; i <= maxFirstParents; i++) {
                if (c.equals(x)) {
                    return true;
                }
                if (c.getParentCount() == 0) {
                    return false;
                }
                c = rw.parseCommit(c.getParent(0));
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
