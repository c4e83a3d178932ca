package dev.trustcontracts.core.history;

/**
 * Bounds on the history work of one update, so that a pushed or fetched history cannot cost unbounded time.
 *
 * @param commitsPerUpdate most commits read between a known commit and a new head (first parents walked
 *                         to find the old commit, and commits walked to collect removals)
 * @param commitsFromRoot  most commits read when the whole history is read (a fresh agent, a server start)
 */
public record HistoryLimits(int commitsPerUpdate, int commitsFromRoot) {
    /** 10,000 commits per update, 200,000 for a whole history. */
    public static final HistoryLimits DEFAULT = new HistoryLimits(10_000, 200_000);

    public HistoryLimits {
        if (commitsPerUpdate < 1 || commitsFromRoot < 1) {
            throw new IllegalArgumentException("history limits must be positive");
        }
    }
}
