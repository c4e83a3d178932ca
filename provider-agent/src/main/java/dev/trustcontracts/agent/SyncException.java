package dev.trustcontracts.agent;

/** A failure of one step of a cycle, with the kind it is counted under. */
public final class SyncException extends Exception {
    private final FailureKind kind;

    public SyncException(FailureKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SyncException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
