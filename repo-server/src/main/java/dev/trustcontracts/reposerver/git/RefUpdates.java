package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * The one place where refs move. Pushes and API commits take the same lock, are judged by the same
 * {@link TreeValidator}, and update refs with compare-and-swap on the value they were judged against; a
 * new main is published to the {@link ContractIndex} before the lock is released. Two racing updates of
 * main therefore never both win: the second finds main moved and is refused as non-fast-forward.
 */
final class RefUpdates {
    private final ContractRepository repository;
    private final TreeValidator validator;
    private final ContractIndex index;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final MainHistory history;
    private final ReentrantLock lock = new ReentrantLock(true);

    /** The outcome of one ref update: accepted, or refused with a reason and the problems behind it. */
    public record Outcome(boolean accepted, String reason, List<String> rules, TreeValidator.Verdict verdict) {
        static Outcome refused(String reason, RefRule rule) {
            return new Outcome(false, reason, List.of(rule.code()), null);
        }

        /** Whether a rule on the ref itself refused it. */
        boolean refusedBy(RefRule rule) {
            return !accepted && rules.contains(rule.code());
        }
    }

    public RefUpdates(ContractRepository repository, TreeValidator validator, ContractIndex index,
                      ServerMetrics metrics, Clock clock, MainHistory history) {
        this.repository = repository;
        this.history = history;
        this.validator = validator;
        this.index = index;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Judges and applies the commands of one push, all or nothing. Results are set on the commands;
     * {@code report} receives the lines to show the pushing client. The push's objects wait in
     * {@code quarantine} (null: they are in the repository already): they are judged there and published
     * into the repository only once every ref of the push is accepted, just before the refs move.
     */
    void receive(Collection<ReceiveCommand> commands, String user, Report report, Quarantine quarantine)
            throws IOException {
        TreeValidator validator = quarantine == null ? this.validator : this.validator.reading(quarantine.repository());
        // the pushed objects are read where they wait: the quarantine sees them and the repository's
        Repository source = quarantine == null ? repository.git() : quarantine.repository();
        lock.lock();
        try (RevWalk walk = new RevWalk(source)) {
            ObjectId main = repository.main();
            TreeValidator.Scanned base = base(main);
            Instant now = clock.instant();
            List<ReceiveCommand> accepted = new ArrayList<>();
            TreeValidator.Verdict mainVerdict = null;
            boolean anyRefused = false;
            for (ReceiveCommand cmd : commands) {
                Outcome o = judge(cmd, base, now, walk, validator, source);
                RefKind kind = RefKind.of(cmd.getRefName());
                String target = kind.metricTarget();
                if (o.verdict() != null) {
                    metrics.validation(target, o.verdict().took());
                    show(cmd.getRefName(), o.verdict(), report);
                }
                if (o.accepted() && kind != RefKind.MAIN && cmd.getType() != ReceiveCommand.Type.DELETE) {
                    history.proposalNotes(source, main, cmd.getNewId()).forEach(report::line);
                }
                if (o.accepted()) {
                    accepted.add(cmd);
                    if (kind == RefKind.MAIN) {
                        mainVerdict = o.verdict();
                    }
                } else {
                    anyRefused = true;
                    cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, o.reason());
                    report.line("error: " + RefNamePolicy.shortName(cmd.getRefName()) + ": " + o.reason());
                    metrics.pushRejected(target, o.rules());
                }
            }
            if (anyRefused) {
                AllOrNothing.refuseTheRest(commands); // the accepted ones have no result yet
                return;
            }
            if (quarantine != null) {
                quarantine.publish();
            }
            BatchRefUpdate batch = repository.git().getRefDatabase().newBatchUpdate();
            batch.setAtomic(true);
            batch.setAllowNonFastForwards(true); // main's fast-forward rule is enforced above; proposals may be rewritten
            batch.setRefLogIdent(ident(user));
            batch.setRefLogMessage("push by " + user, false);
            batch.addCommand(accepted);
            batch.execute(walk, NullProgressMonitor.INSTANCE);
            for (ReceiveCommand cmd : accepted) {
                String target = RefKind.of(cmd.getRefName()).metricTarget();
                if (cmd.getResult() == ReceiveCommand.Result.OK) {
                    metrics.pushAccepted(target);
                } else {
                    metrics.pushRejected(target, List.of(RefRule.LOCK_FAILURE.code()));
                }
            }
            if (mainVerdict != null && accepted.stream().anyMatch(c -> RefKind.of(c.getRefName()) == RefKind.MAIN
                    && c.getResult() == ReceiveCommand.Result.OK)) {
                index.publish(mainVerdict.scanned(), mainVerdict.scan(), mainVerdict.at());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Main's scan state: the index's, unless main moved behind the server's back. */
    private TreeValidator.Scanned base(ObjectId main) throws IOException {
        TreeValidator.Scanned indexed = index.scanned();
        return indexed.commit().equals(main) ? indexed : validator.rescan(indexed, main);
    }

    private Outcome judge(ReceiveCommand cmd, TreeValidator.Scanned base, Instant now, RevWalk walk,
                          TreeValidator validator, Repository source) throws IOException {
        try {
            return judgeCommit(cmd, base, now, walk, validator, source);
        } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return Outcome.refused("a branch must point at a commit", RefRule.NOT_A_COMMIT);
        }
    }

    private Outcome judgeCommit(ReceiveCommand cmd, TreeValidator.Scanned base, Instant now, RevWalk walk,
                                TreeValidator validator, Repository source) throws IOException {
        ObjectId main = base.commit();
        RefKind kind = RefKind.of(cmd.getRefName());
        if (!kind.isBranch()) {
            return Outcome.refused("only branches (refs/heads/...) may be pushed", RefRule.REF_NAME);
        }
        if (kind == RefKind.MAIN) {
            if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                return Outcome.refused("main cannot be deleted (delete contract files to revoke them)",
                        RefRule.DELETE_MAIN);
            }
            if (!cmd.getOldId().equals(main)) {
                return Outcome.refused("non-fast-forward: main moved to " + main.abbreviate(10).name()
                        + " while this push was prepared; fetch, rebase and push again", RefRule.NON_FAST_FORWARD);
            }
            if (!isAncestor(walk, main, cmd.getNewId())) {
                return Outcome.refused("non-fast-forward: main only moves forward (force pushes and rewritten "
                        + "history are refused)", RefRule.NON_FAST_FORWARD);
            }
            java.util.Optional<String> fp = history.firstParentProblem(source, main, cmd.getNewId());
            if (fp.isPresent()) {
                return Outcome.refused(fp.get(), RefRule.FIRST_PARENT);
            }
            TreeValidator.Verdict v = validator.forMain(base, cmd.getNewId(), now);
            return withHistory(judged(v, "the resulting main"), source, main, cmd.getNewId());
        }
        if (cmd.getType() == ReceiveCommand.Type.DELETE) {
            return new Outcome(true, "", List.of(), null);
        }
        TreeValidator.Verdict v = validator.forProposal(base, cmd.getNewId(), now);
        return judged(v, "the proposal");
    }

    private static Outcome judged(TreeValidator.Verdict v, String what) {
        if (v.accepted()) {
            return new Outcome(true, "", List.of(), v);
        }
        Set<String> rules = new LinkedHashSet<>();
        v.blocking().forEach(p -> rules.add(p.rule().code()));
        int n = v.blocking().size();
        return new Outcome(false, what + " is not valid: " + n + (n == 1 ? " problem" : " problems")
                + " (" + String.join(", ", rules) + ")", List.copyOf(rules), v);
    }

    /** One line per problem; blocking ones bare, the others as warnings or notes. */
    private static void show(String ref, TreeValidator.Verdict v, Report report) {
        for (Problem p : v.blocking()) {
            report.line(p.toString());
        }
        for (Problem p : v.warnings()) {
            report.line(warningPrefix(ref, p) + p);
        }
    }

    private static String warningPrefix(String ref, Problem p) {
        return RefKind.of(ref) == RefKind.MAIN ? "warning (file not changed by this push; delete it): "
                : "note (allowed on a proposal, required before merging): ";
    }

    /**
     * Moves main from {@code expected} to {@code commit} after validating it exactly as a push; used by the
     * merge and revocation APIs, which build {@code commit} from {@code expected}.
     */
    public Outcome updateMain(ObjectId expected, ObjectId commit, String user, String reflog) throws IOException {
        lock.lock();
        try {
            ObjectId main = repository.main();
            if (!main.equals(expected)) {
                return Outcome.refused("main moved to " + main.abbreviate(10).name() + " meanwhile; try again",
                        RefRule.NON_FAST_FORWARD);
            }
            java.util.Optional<String> fp = history.firstParentProblem(main, commit);
            if (fp.isPresent()) {
                return Outcome.refused(fp.get(), RefRule.FIRST_PARENT);
            }
            Instant now = clock.instant();
            TreeValidator.Verdict v = validator.forMain(base(main), commit, now);
            metrics.validation(RefKind.MAIN.metricTarget(), v.took());
            Outcome o = withHistory(judged(v, "the resulting main"), repository.git(), main, commit);
            if (!o.accepted()) {
                return o;
            }
            RefUpdate ru = repository.git().updateRef(ContractRepository.MAIN);
            ru.setExpectedOldObjectId(main);
            ru.setNewObjectId(commit);
            ru.setRefLogIdent(ident(user));
            ru.setRefLogMessage(reflog, false);
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.FAST_FORWARD && r != RefUpdate.Result.FORCED) {
                return Outcome.refused("main could not be updated (" + r + "); try again", RefRule.LOCK_FAILURE);
            }
            index.publish(v.scanned(), v.scan(), v.at());
            return o;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The replay rule on a move of main that is valid as a tree (see {@link MainHistory}): no contract id
     * removed from main's history comes back.
     */
    private Outcome withHistory(Outcome tree, Repository source, ObjectId main, ObjectId next) throws IOException {
        if (!tree.accepted()) {
            return tree;
        }
        List<String> replays = history.replays(source, main, next, tree.verdict().scan());
        if (!replays.isEmpty()) {
            String more = replays.size() > 1 ? " (and " + (replays.size() - 1) + " more)" : "";
            return new Outcome(false, replays.get(0) + more, List.of(RefRule.REPLAY.code()), tree.verdict());
        }
        return tree;
    }

    /** Whether main may move from {@code old} to {@code next} without a merge commit (first-parent rule). */
    boolean onFirstParentChain(ObjectId old, ObjectId next) throws IOException {
        return history.firstParentProblem(old, next).isEmpty();
    }

    /** Counts a ref refused before it reached {@link #receive} (ref name, object graph), by rule. */
    void refused(String ref, List<String> rules) {
        if (!rules.isEmpty()) {
            metrics.pushRejected(RefKind.of(ref).metricTarget(), rules);
        }
    }

    /** Runs {@code body} with main held still, for reads that must match the update that follows. */
    public ReentrantLock lock() {
        return lock;
    }

    private static boolean isAncestor(RevWalk walk, ObjectId ancestor, ObjectId tip) throws IOException {
        walk.reset();
        RevCommit a = walk.parseCommit(ancestor);
        RevCommit t = walk.parseCommit(tip);
        return walk.isMergedInto(a, t);
    }

    private static PersonIdent ident(String user) {
        return new PersonIdent(user, user + "@repo-server");
    }

    /** Where lines for the pushing client go ({@code remote: ...}). */
    @FunctionalInterface
    public interface Report {
        void line(String line);
    }
}
