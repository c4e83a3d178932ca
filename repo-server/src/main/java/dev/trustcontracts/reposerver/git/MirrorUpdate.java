package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * A read-only mirror's one way of moving refs, its counterpart of {@link RefUpdates}: the refs the primary
 * advertised (their objects already fetched) are judged as an agent judges a remote, then applied. Main only
 * moves along first parents from the mirror's own main ({@link MainHistory}, the rules agents run); the
 * primary's first main is taken as it is (trust on first use, as an agent's first clone). Every new branch tip
 * passes {@link ObjectHygiene}. When main is refused nothing moves: the last good state stays in force.
 * Proposal branches and {@code refs/trust/*} (the signed heartbeat) are copied verbatim.
 */
public final class MirrorUpdate {
    private final ContractRepository repository;
    private final MainHistory history;
    private final ObjectHygiene hygiene;

    /** What one update did. */
    public enum Result { FIRST, UPDATED, UNCHANGED, REFUSED }

    /**
     * @param main        the mirror's main after the update
     * @param primaryMain what the primary advertised as main (null: nothing)
     * @param problem     why the primary's refs were refused (one line), or null
     */
    public record Outcome(Result result, ObjectId main, ObjectId primaryMain, String problem) {
    }

    public MirrorUpdate(ContractRepository repository, MainHistory history, int maxObjects) {
        this.repository = repository;
        this.history = history;
        this.hygiene = new ObjectHygiene(maxObjects);
    }

    /**
     * Judges and applies the primary's {@code refs/heads/*} and {@code refs/trust/*} (full names to ids).
     *
     * @param primary the primary's URL, named in the refusal lines
     */
    public synchronized Outcome apply(String primary, Map<String, ObjectId> advertised) throws IOException {
        Repository git = repository.git();
        Optional<ObjectId> mine = repository.mainIfAny();
        ObjectId theirs = advertised.get(ContractRepository.MAIN);
        if (theirs == null) {
            return refused(mine, null, "the primary " + primary + " advertises no refs/heads/main");
        }
        List<ReceiveCommand> branches = new ArrayList<>();
        for (Map.Entry<String, ObjectId> e : advertised.entrySet()) {
            if (e.getKey().startsWith(Constants.R_HEADS)) {
                Ref local = git.exactRef(e.getKey());
                ObjectId old = local == null ? ObjectId.zeroId() : local.getObjectId();
                if (!old.equals(e.getValue())) {
                    branches.add(new ReceiveCommand(old, e.getValue(), e.getKey()));
                }
            }
        }
        Optional<ObjectHygiene.Refusal> dirty = hygiene.check(git, branches);
        if (dirty.isPresent()) {
            ObjectHygiene.Refusal r = dirty.get();
            return refused(mine, theirs, "the primary " + primary + " serves " + (r.ref() == null ? "" : r.ref() + ": ")
                    + r.reason() + " [" + r.rule() + "]");
        }
        Result result;
        if (mine.isEmpty()) {
            result = Result.FIRST;
        } else if (mine.get().equals(theirs)) {
            result = Result.UNCHANGED;
        } else {
            Optional<String> problem = history.firstParentProblem(mine.get(), theirs);
            if (problem.isPresent()) {
                return refused(mine, theirs, "the primary " + primary + " rewound or rewrote main: "
                        + problem.get() + "; keeping " + mine.get().name());
            }
            result = Result.UPDATED;
        }
        if (result != Result.UNCHANGED) {
            move(ContractRepository.MAIN, mine.orElse(ObjectId.zeroId()), theirs, false);
        }
        copyVerbatim(advertised, Constants.R_HEADS, ContractRepository.MAIN);
        copyVerbatim(advertised, Heartbeat.NAMESPACE, null);
        return new Outcome(result, theirs, theirs, null);
    }

    private Outcome refused(Optional<ObjectId> mine, ObjectId theirs, String problem) {
        return new Outcome(Result.REFUSED, mine.orElse(null), theirs, problem);
    }

    /** Makes the local refs under {@code prefix} (but {@code except}) those the primary advertised. */
    private void copyVerbatim(Map<String, ObjectId> advertised, String prefix, String except) throws IOException {
        Repository git = repository.git();
        for (Ref local : git.getRefDatabase().getRefsByPrefix(prefix)) {
            if (!local.getName().equals(except) && !advertised.containsKey(local.getName())) {
                RefUpdate u = git.updateRef(local.getName());
                u.setForceUpdate(true);
                check(local.getName(), u.delete());
            }
        }
        for (Map.Entry<String, ObjectId> e : advertised.entrySet()) {
            if (e.getKey().startsWith(prefix) && !e.getKey().equals(except)) {
                Ref local = git.exactRef(e.getKey());
                ObjectId old = local == null ? ObjectId.zeroId() : local.getObjectId();
                if (!old.equals(e.getValue())) {
                    move(e.getKey(), old, e.getValue(), true);
                }
            }
        }
    }

    private void move(String name, ObjectId old, ObjectId next, boolean force) throws IOException {
        RefUpdate u = repository.git().updateRef(name);
        u.setExpectedOldObjectId(old);
        u.setNewObjectId(next);
        u.setForceUpdate(force);
        u.setRefLogMessage("mirror: from the primary", false);
        check(name, u.update());
    }

    private static void check(String name, RefUpdate.Result r) throws IOException {
        switch (r) {
            case NEW, FAST_FORWARD, FORCED, NO_CHANGE -> {
            }
            default -> throw new IOException("cannot move " + name + " in the mirror's repository: " + r);
        }
    }
}
