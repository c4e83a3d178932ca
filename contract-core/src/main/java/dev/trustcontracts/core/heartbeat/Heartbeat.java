package dev.trustcontracts.core.heartbeat;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "main was {@code mainCommit} at {@code issuedAt}": what one heartbeat states, once its signature verified.
 *
 * @param mainCommit main's commit id, 40 lowercase hex digits
 * @param issuedAt   when the server made it
 * @param sequence   one more than the server's previous heartbeat (1 for the first)
 */
public record Heartbeat(String mainCommit, Instant issuedAt, long sequence) {
    /** The refs only the primary's server writes (nobody pushes them; mirrors copy them verbatim). */
    public static final String NAMESPACE = "refs/trust/";
    /** Where the primary publishes it (mirrors copy it, agents fetch it beside main). */
    public static final String REF = NAMESPACE + "heartbeat";
    /** The one file of the commit at {@link #REF}: a {@code SignedHeartbeat}. */
    public static final String FILE = "heartbeat.pb";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public Heartbeat {
        Objects.requireNonNull(issuedAt, "issuedAt");
        if (mainCommit == null || !COMMIT.matcher(mainCommit).matches()) {
            throw new IllegalArgumentException("a heartbeat's main commit is 40 lowercase hex digits");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("a heartbeat's sequence starts at 1");
        }
    }

    static boolean isCommitId(String s) {
        return COMMIT.matcher(s).matches();
    }
}
