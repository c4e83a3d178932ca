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
    /** The server refused the login (401) or the user may not do this (403): {@code trustctl server} only. */
    public static final int DENIED = 5;
    /** The server has no such contract, branch or commit (404): {@code trustctl server} only. */
    public static final int NOT_FOUND = 6;
    /** The server is busy or throttling logins (429, 503): try again later. {@code trustctl server} only. */
    public static final int BUSY = 7;

    private ExitCodes() {
    }
}
