package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.Access;
import java.io.IOException;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A change of main that the server makes for a user, in the manner of JGit's porcelain commands: configure,
 * then {@link #call}. Each attempt builds a commit from the current main, checks the user's zones
 * ({@link ZoneRule}) and moves main through {@link RefUpdates#updateMain}, judged exactly as a push; when
 * another update moved main meanwhile, it starts again from the new main, a few times at most.
 *
 * @param <T> what the command reports when main moved
 */
abstract class MainCommand<T> {
    private static final int ATTEMPTS = 3;

    final ContractRepository repository;
    final RefUpdates updates;
    final ServerMetrics metrics;
    private Access user;
    private ObjectId replaced;

    MainCommand(ContractRepository repository, RefUpdates updates, ServerMetrics metrics) {
        this.repository = repository;
        this.updates = updates;
        this.metrics = metrics;
    }

    /** One attempt's commit: the new main, how to name the action, and what to answer when it lands. */
    record Attempt<T>(ObjectId commit, String action, boolean needsOwnContract, String reflog, T result) {
    }

    /** Refuses a request that can never succeed, before any attempt. */
    abstract void checkRequest();

    /** The commit to put on main, built from {@code main}. */
    abstract Attempt<T> attempt(ObjectId main) throws IOException;

    /** Counts the outcome in the metrics. */
    abstract void count(boolean done);

    /** The authenticated user the change is made for, with the zones it acts for. */
    void user(Access who) {
        this.user = who;
    }

    /**
     * Moves main, or throws {@link OperationRefused} naming why not.
     *
     * @throws IOException when the repository cannot be read or written
     */
    public T call() throws IOException {
        Objects.requireNonNull(user, "set the user first");
        try {
            T done = run();
            count(true);
            return done;
        } catch (OperationRefused e) {
            count(false);
            throw e;
        }
    }

    private T run() throws IOException {
        checkRequest();
        for (int i = 1; ; i++) {
            ObjectId main = repository.main();
            Attempt<T> a = attempt(main);
            ZoneRule.refuse(repository.git(), main, a.commit(), user, a.action(), a.needsOwnContract());
            RefUpdates.Outcome o = updates.updateMain(main, a.commit(), user.user(), a.reflog());
            if (o.accepted()) {
                replaced = main;
                return a.result();
            }
            if (!o.refusedBy(RefRule.NON_FAST_FORWARD) || i >= ATTEMPTS) {
                throw OperationRefused.of(o);
            }
        }
    }

    /**
     * The main a successful {@link #call} replaced: not always main as read before the call, since a retry
     * starts from a main another update moved meanwhile (the audit line names this one).
     */
    public ObjectId replaced() {
        return replaced;
    }

    String userName() {
        return user.user();
    }
}
