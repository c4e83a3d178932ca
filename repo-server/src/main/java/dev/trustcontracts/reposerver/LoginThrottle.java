package dev.trustcontracts.reposerver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Growing delay after failed logins, per user and remote address: the first failure waits
 * {@code base}, each further one twice as long, up to {@code max}. A success clears the count; a key
 * with no failure for {@code forget} is forgotten. The table is bounded so a flood of names cannot grow it.
 */
public final class LoginThrottle {
    private static final int MAX_KEYS = 10_000;

    private final Duration base;
    private final Duration max;
    private final Duration forget;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, Instant last) {
    }

    public LoginThrottle(Duration base, Duration max, Duration forget, Clock clock) {
        this.base = base;
        this.max = max;
        this.forget = forget;
        this.clock = clock;
    }

    public static LoginThrottle standard() {
        return new LoginThrottle(Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofMinutes(15),
                Clock.systemUTC());
    }

    /** Records a failure and returns how long to wait before answering it. */
    public Duration failed(String user, String remote) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            prune(now);
        }
        Failures f = failures.merge(key(user, remote), new Failures(1, now), (old, one) ->
                old.last.plus(forget).isBefore(now) ? one : new Failures(old.count + 1, now));
        return delayFor(f.count);
    }

    public void succeeded(String user, String remote) {
        failures.remove(key(user, remote));
    }

    /** The wait for the n-th consecutive failure. */
    Duration delayFor(int n) {
        if (n <= 0) {
            return Duration.ZERO;
        }
        long ms = base.toMillis() << Math.min(n - 1, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    private void prune(Instant now) {
        for (Iterator<Failures> it = failures.values().iterator(); it.hasNext(); ) {
            if (it.next().last.plus(forget).isBefore(now)) {
                it.remove();
            }
        }
        if (failures.size() >= MAX_KEYS) {
            failures.clear(); // still flooded: start over rather than grow without bound
        }
    }

    private static String key(String user, String remote) {
        return user + '\u0000' + remote;
    }
}
