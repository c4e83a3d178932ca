package dev.trustcontracts.cli;

/** Exit codes shared by every subcommand. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation failed (I/O, a server down, a refused request). */
    public static final int FAILURE = 1;
    /** Usage error: picocli's own code for bad arguments. */
    public static final int USAGE = 2;
    /** The input was read and found invalid (a contract that breaks a rule). */
    public static final int INVALID = 3;
    /** Valid, but something ends soon: {@code repo lint --warn-within --fail-on-warning} only. */
    public static final int WARNING = 4;

    private ExitCodes() {
    }
}
