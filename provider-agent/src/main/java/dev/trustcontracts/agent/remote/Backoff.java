package dev.trustcontracts.agent.remote;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between attempts: the regular interval with +/-10 % jitter while all is well; after failures an
 * exponential backoff with jitter, from min(interval, 2 s) doubling up to min(8 x interval, 5 min) (never
 * below the interval), so that a fleet of agents does not hammer a remote that is coming back.
 */
public final class Backoff {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration MAX_CAP = Duration.ofMinutes(5);

    private final Duration interval;
    private final Duration first;
    private final Duration cap;
    private int failures;

    public Backoff(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive");
        }
        this.interval = interval;
        this.first = min(interval, FIRST_RETRY);
        this.cap = max(interval, min(interval.multipliedBy(8), MAX_CAP));
    }

    /** The delay before the next regular attempt: the interval, jittered by +/-10 %. */
    public Duration nextRegular() {
        return jitter(interval, 0.9, 1.1);
    }

    /** Records a failure and returns the delay before the retry: exponential, jittered to [50 %, 100 %]. */
    public Duration nextAfterFailure() {
        failures = Math.min(failures + 1, 40);
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return jitter(min(d, cap), 0.5, 1.0);
    }

    /** After a success the next failure starts from the first retry delay again. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }

    /** The largest delay after failures (before jitter). */
    public Duration cap() {
        return cap;
    }

    private static Duration jitter(Duration d, double lo, double hi) {
        double f = ThreadLocalRandom.current().nextDouble(lo, hi);
        return Duration.ofNanos(Math.max(1, (long) (d.toNanos() * f)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
