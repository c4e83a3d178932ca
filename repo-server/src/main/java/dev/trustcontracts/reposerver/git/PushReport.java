package dev.trustcontracts.reposerver.git;

/**
 * The {@code remote:} lines of one push, bounded: at most {@code maxProblems} problem lines (then one
 * "... and K more problems" line), each line cut at {@code maxLineChars}, and never more than
 * {@code maxBytes} in all. Lines starting with {@code error:} (one per refused ref) are always shown while
 * the byte budget lasts: they say what happened. A push with thousands of problems thus answers with a
 * few kilobytes instead of hundreds of megabytes.
 */
final class PushReport implements RefUpdates.Report {
    static final int MAX_PROBLEMS = 50;
    static final int MAX_LINE_CHARS = 400;
    static final int MAX_BYTES = 48 * 1024;

    private final RefUpdates.Report out;
    private final int maxProblems;
    private final int maxLineChars;
    private final int maxBytes;
    private int problemsShown;
    private int problemsHidden;
    private int bytes;
    private boolean cut;

    PushReport(RefUpdates.Report out) {
        this(out, MAX_PROBLEMS, MAX_LINE_CHARS, MAX_BYTES);
    }

    PushReport(RefUpdates.Report out, int maxProblems, int maxLineChars, int maxBytes) {
        this.out = out;
        this.maxProblems = maxProblems;
        this.maxLineChars = maxLineChars;
        this.maxBytes = maxBytes;
    }

    @Override
    public void line(String line) {
        boolean error = line.startsWith("error:");
        if (!error) {
            if (problemsShown >= maxProblems) {
                problemsHidden++;
                return;
            }
            problemsShown++;
        }
        emit(line);
    }

    /** Says how many problem lines were left out; call once, after the last line. */
    void finish() {
        if (problemsHidden > 0) {
            emit("... and " + problemsHidden + " more " + (problemsHidden == 1 ? "problem" : "problems")
                    + " (the first " + maxProblems + " are shown)");
        }
    }

    int problemsHidden() {
        return problemsHidden;
    }

    private void emit(String line) {
        String l = line.length() > maxLineChars ? line.substring(0, maxLineChars) + " ..." : line;
        int size = l.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 9; // "remote: " and the newline
        if (bytes + size > maxBytes) {
            if (!cut) {
                cut = true;
                out.line("... output cut at " + maxBytes / 1024 + " KiB");
            }
            return;
        }
        bytes += size;
        out.line(l);
    }
}
