package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.reposerver.auth.Access;
import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * Who may push what, judged before {@link RefUpdates} validates the contracts: main by the {@link ZoneRule}
 * (a Git push that deletes or changes a contract is a revocation, and adding one needs a user of its zones);
 * proposal branches by their creator, recorded in {@link BranchOwners}: anyone may create a proposal or move
 * it forward, only its creator (or an admin) may delete it or rewrite it (a non-fast-forward update).
 */
final class PushAuthorizer {
    private final UserStore users;
    private final BranchOwners owners;
    private final Clock clock;

    PushAuthorizer(UserStore users, BranchOwners owners, Clock clock) {
        this.users = users;
        this.owners = owners;
        this.clock = clock;
    }

    /**
     * Judges every command of a push. When one is refused, it gets the reason, the others are refused as not
     * applied (pushes are all or nothing), the client gets one line per refused file, and this answers false.
     * Objects are read from {@code source}: the push's quarantine, which sees the pushed objects and the
     * repository's (a pushed commit the repository itself does not have yet must still be judged).
     */
    boolean admit(Collection<ReceiveCommand> commands, String user, RefUpdates.Report report, Repository source)
            throws IOException {
        Access who = users.access(user);
        boolean anyRefused = false;
        for (ReceiveCommand cmd : commands) {
            List<String> refusals = judge(cmd, who, source);
            if (!refusals.isEmpty()) {
                anyRefused = true;
                refusals.forEach(r -> report.line("error: " + RefNamePolicy.shortName(cmd.getRefName()) + ": " + r));
                cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, refusals.size() == 1 ? refusals.get(0)
                        : refusals.get(0) + " (and " + (refusals.size() - 1) + " more)");
            }
        }
        if (anyRefused) {
            AllOrNothing.refuseTheRest(commands);
        }
        return !anyRefused;
    }

    /** Records the creators of the branches this push created, and forgets deleted ones. */
    void applied(Collection<ReceiveCommand> commands, String user) throws IOException {
        Map<String, String> created = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() != ReceiveCommand.Result.OK || RefKind.of(cmd.getRefName()) != RefKind.PROPOSAL) {
                continue;
            }
            String branch = RefNamePolicy.shortName(cmd.getRefName());
            if (cmd.getType() == ReceiveCommand.Type.CREATE) {
                created.put(branch, user);
            } else if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                deleted.add(branch);
            }
        }
        owners.update(created, deleted, clock.instant());
    }

    private List<String> judge(ReceiveCommand cmd, Access who, Repository source) throws IOException {
        String ref = cmd.getRefName();
        RefKind kind = RefKind.of(ref);
        if (kind == RefKind.MAIN) {
            if (cmd.getType() == ReceiveCommand.Type.DELETE || cmd.getType() == ReceiveCommand.Type.CREATE) {
                return List.of(); // refused by RefUpdates with its own reason
            }
            if (!has(source, cmd.getOldId()) || !has(source, cmd.getNewId())) {
                return List.of(); // RefUpdates refuses an update from a commit main is not at
            }
            try {
                return ZoneRule.check(source, cmd.getOldId(), cmd.getNewId(), who, true).stream()
                        .map(r -> r.path() + ": " + r.message() + " [rule " + r.rule() + "]").toList();
            } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                return List.of(); // not a commit: RefUpdates refuses it with its own reason
            }
        }
        if (kind != RefKind.PROPOSAL || who.admin()) {
            return List.of();
        }
        String branch = RefNamePolicy.shortName(ref);
        boolean delete = cmd.getType() == ReceiveCommand.Type.DELETE;
        boolean rewrite = cmd.getType() == ReceiveCommand.Type.UPDATE_NONFASTFORWARD
                || (cmd.getType() == ReceiveCommand.Type.UPDATE && !fastForward(source, cmd.getOldId(), cmd.getNewId()));
        if (!delete && !rewrite) {
            return List.of();
        }
        String creator = owners.creator(branch).orElse(null);
        if (who.user().equals(creator)) {
            return List.of();
        }
        return List.of((delete ? "deleting" : "force-updating (rewriting)") + " proposal branch " + branch
                + " is for the user who created it" + (creator == null ? " (no creator recorded: admins only)"
                : " (" + creator + ")") + " or an admin [rule " + RefRule.BRANCH_OWNER.code() + "]");
    }

    private static boolean has(Repository source, ObjectId id) throws IOException {
        return !id.equals(ObjectId.zeroId()) && source.getObjectDatabase().has(id);
    }

    private static boolean fastForward(Repository source, ObjectId old, ObjectId next) throws IOException {
        if (!has(source, old) || !has(source, next)) {
            return false;
        }
        try (RevWalk rw = new RevWalk(source)) {
            return rw.isMergedInto(rw.parseCommit(old), rw.parseCommit(next));
        } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return true; // not a commit: RefUpdates refuses it with its own reason
        }
    }
}
