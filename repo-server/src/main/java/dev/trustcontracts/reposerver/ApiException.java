package dev.trustcontracts.reposerver;

import java.util.List;

/** A refused API request: the HTTP status, a one-line reason, and the validation problems behind it. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<String> problems;

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public ApiException(int status, String message, List<String> problems) {
        super(message);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public List<String> problems() {
        return problems;
    }

    static ApiException refused(RefUpdates.Outcome o) {
        if (o.verdict() != null && !o.verdict().accepted()) {
            return new ApiException(422, o.reason(), o.verdict().blocking().stream().map(Object::toString).toList());
        }
        return new ApiException(409, o.reason());
    }
}
