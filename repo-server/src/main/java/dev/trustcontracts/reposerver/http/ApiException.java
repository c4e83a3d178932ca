package dev.trustcontracts.reposerver.http;

import java.util.List;

/** A refused API request: the HTTP status, a one-line reason, and the validation problems behind it. */
final class ApiException extends RuntimeException {
    private final int status;
    private final List<String> problems;

    ApiException(int status, String message) {
        this(status, message, List.of());
    }

    ApiException(int status, String message, List<String> problems) {
        super(message);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    int status() {
        return status;
    }

    List<String> problems() {
        return problems;
    }
}
