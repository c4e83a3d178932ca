package dev.trustcontracts.reposerver.git;

import java.util.List;

/**
 * A Git operation of the server (merge, revoke, history) that was refused: why, in words of the repository,
 * a one-line reason, and the problems behind it. The HTTP side maps the {@link Reason} to a status code.
 */
public final class OperationRefused extends RuntimeException {
    /** Why an operation was refused. */
    public enum Reason {
        /** The request names something that cannot be (not a contract name, a bad commit id, main itself). */
        INVALID_REQUEST,
        /** The branch, contract or commit named does not exist. */
        NOT_FOUND,
        /** The user may not do this (zones, admin). */
        FORBIDDEN,
        /** The repository is not in a state that allows it (already merged, conflicts, main moved). */
        CONFLICT,
        /** The result would not be valid: the problems say why. */
        INVALID_RESULT
    }

    private final Reason reason;
    private final List<String> problems;

    public OperationRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public OperationRefused(Reason reason, String message, List<String> problems) {
        super(message);
        this.reason = reason;
        this.problems = List.copyOf(problems);
    }

    public Reason reason() {
        return reason;
    }

    public List<String> problems() {
        return problems;
    }

    /** A refused update of main: invalid when the validator refused it, else a conflict (main moved, a rule). */
    static OperationRefused of(RefUpdates.Outcome o) {
        if (o.verdict() != null && !o.verdict().accepted()) {
            return new OperationRefused(Reason.INVALID_RESULT, o.reason(),
                    o.verdict().blocking().stream().map(Object::toString).toList());
        }
        return new OperationRefused(Reason.CONFLICT, o.reason());
    }
}
