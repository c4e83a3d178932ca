package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;

/**
 * Which refs a push may write: {@code refs/heads/main}, and proposal branches, which are every other branch
 * whose name is plain: lowercase letters, digits, {@code .}, {@code _} and {@code -}, in segments separated by
 * {@code /}, at most {@value #MAX_LENGTH} characters. Plain names cannot collide with {@code main} on a
 * case-insensitive file system, cannot be mistaken for an option ({@code -x}) or a revision expression
 * ({@code ..}, {@code @{}), and carry no control characters into logs, the API or the UI. Tags and every other
 * namespace are refused: agents read {@code main} only, and proposals are branches.
 */
public final class RefNamePolicy {
    static final int MAX_LENGTH = 100;
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private RefNamePolicy() {
    }

    /** Why {@code refName} may not be written, or empty when it may. */
    static Optional<String> refusal(String refName) {
        RefKind kind = RefKind.of(refName);
        if (kind == RefKind.MAIN) {
            return Optional.empty();
        }
        if (refName.startsWith(Heartbeat.NAMESPACE)) {
            return Optional.of(printable(refName) + " is published by the server only (the signed heartbeat); "
                    + "nobody may push it");
        }
        if (kind == RefKind.OTHER) {
            return Optional.of("only branches (refs/heads/...) may be pushed; " + printable(refName)
                    + " is refused (tags and other refs are not used here)");
        }
        String name = refName.substring(Constants.R_HEADS.length());
        if (name.length() > MAX_LENGTH) {
            return Optional.of("branch name longer than " + MAX_LENGTH + " characters");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("main") || lower.startsWith("main/")) {
            return Optional.of("branch " + printable(name) + " collides with main (names are compared "
                    + "ignoring case)");
        }
        if (lower.equals("head") || lower.startsWith("head/")) {
            return Optional.of("branch " + printable(name) + " is reserved (HEAD)");
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.endsWith(".lock") || segment.endsWith(".")
                    || segment.contains("..")) {
                return Optional.of("branch name " + printable(name) + " is not allowed: a proposal branch name "
                        + "is lowercase letters, digits, '.', '_' and '-' in segments separated by '/', each "
                        + "starting with a letter or digit (for example proposals/alice-bob)");
            }
        }
        return Optional.empty();
    }

    /** A branch's name without {@code refs/heads/}; any other ref in full. */
    static String shortName(String ref) {
        return ref.startsWith(Constants.R_HEADS) ? ref.substring(Constants.R_HEADS.length()) : ref;
    }

    /** The name quoted for a one-line message: control and non-ASCII characters escaped, length bounded. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < MAX_LENGTH; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > MAX_LENGTH) {
            b.append("...");
        }
        return b.append('"').toString();
    }
}
