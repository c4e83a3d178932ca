package dev.trustcontracts.reposerver.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a password may be checked now, keyed both by user name and by client address, and never
 * makes a request thread wait: a refused attempt is answered 429 with the time to wait.
 *
 * <ul>
 *   <li>At most one attempt per key is in flight: parallel guesses for one user, or from one address, are
 *       refused, not queued.</li>
 *   <li>After the n-th consecutive failure a key is blocked for {@code base * 2^(n-1)}, at most {@code max}.
 *       An address gets {@link #ADDRESS_FREE_FAILURES} failures before its own blocking starts (typos of several
 *       people behind one address); a user none. A success clears the user's count, not the address's (else an
 *       attacker with an account of their own could clear their address between guesses). A key with no failure
 *       for {@code forget} starts over.</li>
 *   <li>The table is bounded. When full, the entries with the oldest last failure that are neither blocked nor in
 *       flight are dropped first: an attacker's own entry is always among the newest, so flooding the table with
 *       other names cannot clear it (and every new entry costs a password check, itself rate-bound).</li>
 * </ul>
 */
final class LoginThrottle {
    static final int ADDRESS_FREE_FAILURES = 5;
    static final int DEFAULT_CAPACITY = 20_000;

    private final Duration base;
    private final Duration max;
    private final Duration forget;
    private final Clock clock;
    private final int capacity;
    /** Guarded by this: every operation is a few map steps, so one lock is cheaper than clever concurrency. */
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        int failures;
        Instant lastFailure = Instant.MIN;
        Instant blockedUntil = Instant.MIN;
        boolean inFlight;
    }

    /** The answer of {@link #begin}: a permit to check the password once, or a refusal. */
    public sealed interface Decision permits Permit, Refused {
    }

    /** Not now: retry after this long. */
    public record Refused(Duration retryAfter, String why) implements Decision {
    }

    public LoginThrottle(Duration base, Duration max, Duration forget, Clock clock, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2");
        }
        this.base = base;
        this.max = max;
        this.forget = forget;
        this.clock = clock;
        this.capacity = capacity;
    }

    public LoginThrottle(Duration base, Duration max, Duration forget, Clock clock) {
        this(base, max, forget, clock, DEFAULT_CAPACITY);
    }

    /** One second after the first failure, doubling up to 30 s; forgotten after 15 quiet minutes. */
    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(15), clock);
    }

    /** Asks to check one password of {@code user} from {@code address}; never blocks. */
    public synchronized Decision begin(String user, String address) {
        Instant now = clock.instant();
        String u = userKey(user);
        String a = addressKey(address);
        Duration wait = max(waitFor(entries.get(u), now), waitFor(entries.get(a), now));
        if (!wait.isZero()) {
            return new Refused(wait, "too many failed logins for this user or from this address");
        }
        if (inFlight(entries.get(u)) || inFlight(entries.get(a))) {
            return new Refused(Duration.ofSeconds(1), "another login for this user or from this address is being checked");
        }
        Entry eu = entry(u, now);
        if (eu == null) {
            return new Refused(Duration.ofSeconds(1), "too many logins are being throttled");
        }
        eu.inFlight = true; // before the address entry is made, so that making room cannot drop it
        Entry ea = entry(a, now);
        if (ea == null) {
            release(u);
            return new Refused(Duration.ofSeconds(1), "too many logins are being throttled");
        }
        ea.inFlight = true;
        return new Permit(u, a);
    }

    /** Entries in the table, for tests and metrics. */
    public synchronized int size() {
        return entries.size();
    }

    /** The n-th consecutive failure's blocking time. */
    Duration delayFor(int n) {
        if (n <= 0) {
            return Duration.ZERO;
        }
        long ms = base.toMillis() << Math.min(n - 1, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    /** Permission to check one password; exactly one of its methods must be called. */
    public final class Permit implements Decision {
        private final String userKey;
        private final String addressKey;
        private boolean done;

        private Permit(String userKey, String addressKey) {
            this.userKey = userKey;
            this.addressKey = addressKey;
        }

        public void succeeded() {
            synchronized (LoginThrottle.this) {
                if (finish()) {
                    entries.remove(userKey);
                    release(addressKey);
                }
            }
        }

        public void failed() {
            synchronized (LoginThrottle.this) {
                if (finish()) {
                    Instant now = clock.instant();
                    fail(userKey, now, 0);
                    fail(addressKey, now, ADDRESS_FREE_FAILURES);
                }
            }
        }

        /** The password was not checked after all (no capacity): nothing is counted. */
        public void abandoned() {
            synchronized (LoginThrottle.this) {
                if (finish()) {
                    release(userKey);
                    release(addressKey);
                }
            }
        }

        private boolean finish() {
            boolean first = !done;
            done = true;
            return first;
        }
    }

    private void fail(String key, Instant now, int free) {
        Entry e = entries.get(key);
        if (e == null) {
            return;
        }
        e.inFlight = false;
        e.failures = Math.min(e.failures + 1, 1_000);
        e.lastFailure = now;
        e.blockedUntil = now.plus(delayFor(e.failures - free));
    }

    private void release(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            e.inFlight = false;
            if (e.failures == 0) {
                entries.remove(key);
            }
        }
    }

    /** The entry for a key, created (making room if needed); null when the table is full of live entries. */
    private Entry entry(String key, Instant now) {
        Entry e = entries.get(key);
        if (e != null) {
            if (e.failures > 0 && e.lastFailure.plus(forget).isBefore(now)) {
                e.failures = 0;
            }
            return e;
        }
        if (entries.size() >= capacity && !makeRoom(now)) {
            return null;
        }
        e = new Entry();
        entries.put(key, e);
        return e;
    }

    /** Drops a tenth of the table: forgotten entries, then the oldest that are neither blocked nor in flight. */
    private boolean makeRoom(Instant now) {
        List<Map.Entry<String, Entry>> candidates = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            if (!e.inFlight && !e.blockedUntil.isAfter(now)) {
                candidates.add(me);
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        candidates.sort(Comparator.comparing((Map.Entry<String, Entry> me) -> me.getValue().lastFailure));
        int n = Math.max(1, Math.min(candidates.size(), capacity / 10));
        List<String> drop = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            drop.add(candidates.get(i).getKey());
        }
        drop.forEach(entries::remove);
        return true;
    }

    private Duration waitFor(Entry e, Instant now) {
        if (e == null || !e.blockedUntil.isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, e.blockedUntil);
    }

    private static boolean inFlight(Entry e) {
        return e != null && e.inFlight;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String userKey(String user) {
        return "u\u0000" + user;
    }

    private static String addressKey(String address) {
        return "a\u0000" + address;
    }
}
