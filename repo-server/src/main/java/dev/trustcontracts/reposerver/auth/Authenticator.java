package dev.trustcontracts.reposerver.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks HTTP Basic credentials against the users file. Never makes a request thread wait: the slow hash runs
 * only when {@link LoginThrottle} gives a permit and one of a fixed number of hashing slots is free; otherwise
 * the answer is {@link Outcome#THROTTLED} or {@link Outcome#BUSY} (429) at once. A header that is not
 * well-formed Basic credentials is {@link Outcome#MALFORMED} (400) and never reaches the throttle's table.
 *
 * <p>A successful check is remembered for a few minutes per user as an HMAC (per-process random key) of the
 * credentials and the stored hash, compared in constant time: a Git push, which authenticates several requests,
 * pays the slow hash once, and a user whose name an attacker is guessing still gets in with the right password.
 */
final class Authenticator {
    private static final Duration REMEMBER = Duration.ofMinutes(5);
    /** How long a refused user:password is answered 401 again without a check (a client retrying it). */
    private static final Duration REMEMBER_REFUSED = Duration.ofMinutes(1);
    private static final int MAX_REFUSED = 10_000;
    /** Longer headers are refused as malformed before any decoding. */
    private static final int MAX_HEADER = 4_096;

    private final UserStore users;
    private final LoginThrottle throttle;
    private final Semaphore hashing;
    private final byte[] macKey = new byte[32];
    /** One entry per user that logged in: bounded by the users file. */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /**
     * The last refused credentials per user name, so that a client repeating the same wrong password (JGit
     * does, once) gets 401 again at once rather than 429: it learns nothing new. A bounded LRU: losing an
     * entry only costs that convenience.
     */
    private final Map<String, Remembered> refused = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                    return size() > MAX_REFUSED;
                }
            });

    private record Remembered(byte[] mac, long untilNanos) {
    }

    /** How a check ended. */
    public enum Outcome {
        /** Authenticated. */
        OK,
        /** No Basic credentials given. */
        NONE,
        /** Credentials given but not decodable as {@code user:password} with a valid user name: 400. */
        MALFORMED,
        /** Wrong user name or password: 401. */
        WRONG,
        /** Too many failures, or another check for this user or address in flight: 429. */
        THROTTLED,
        /** All hashing slots are taken: 429. */
        BUSY
    }

    /**
     * The outcome: the user when authenticated, or why not.
     *
     * @param retryAfter for THROTTLED and BUSY, when to try again; else zero
     */
    public record Result(Optional<String> user, boolean credentialsGiven, Outcome outcome, Duration retryAfter) {
        public boolean ok() {
            return user.isPresent();
        }

        static Result of(Outcome o) {
            return new Result(Optional.empty(), o != Outcome.NONE, o, Duration.ZERO);
        }

        /** Whole seconds for a Retry-After header, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** @param passwordChecks slow hashes computed at once at most */
    public Authenticator(UserStore users, LoginThrottle throttle, int passwordChecks) {
        this.users = users;
        this.throttle = throttle;
        this.hashing = new Semaphore(passwordChecks);
        new SecureRandom().nextBytes(macKey);
    }

    public Authenticator(UserStore users, LoginThrottle throttle) {
        this(users, throttle, Runtime.getRuntime().availableProcessors());
    }

    /** Checks an {@code Authorization} header value; returns at once unless it computes one hash. */
    public Result check(String authorization, String remote) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Result.of(Outcome.NONE);
        }
        if (authorization.length() > MAX_HEADER) {
            return Result.of(Outcome.MALFORMED);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Result.of(Outcome.MALFORMED);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !UserStore.isValidName(decoded.substring(0, colon))) {
            return Result.of(Outcome.MALFORMED);
        }
        String name = decoded.substring(0, colon);
        // bound to the stored hash: a changed password or a removed user invalidates it at once
        byte[] token = mac(decoded + '\u0000' + users.storedHash(name).orElse(""));
        long now = System.nanoTime();
        Remembered r = remembered.get(name);
        if (r != null && r.untilNanos - now > 0 && MessageDigest.isEqual(r.mac, token)) {
            return new Result(Optional.of(name), true, Outcome.OK, Duration.ZERO);
        }
        Remembered no = refused.get(name);
        if (no != null && no.untilNanos - now > 0 && MessageDigest.isEqual(no.mac, token)) {
            return Result.of(Outcome.WRONG);
        }
        LoginThrottle.Decision d = throttle.begin(name, String.valueOf(remote));
        if (d instanceof LoginThrottle.Refused refused) {
            return new Result(Optional.empty(), true, Outcome.THROTTLED, refused.retryAfter());
        }
        LoginThrottle.Permit permit = (LoginThrottle.Permit) d;
        if (!hashing.tryAcquire()) {
            permit.abandoned();
            return new Result(Optional.empty(), true, Outcome.BUSY, Duration.ofSeconds(1));
        }
        char[] password = decoded.substring(colon + 1).toCharArray();
        Boolean ok = null;
        try {
            ok = users.authenticate(name, password);
        } finally {
            hashing.release();
            Arrays.fill(password, '\0');
            if (ok == null) {
                permit.abandoned(); // the users file could not be read: not the client's failure
            } else if (ok) {
                permit.succeeded();
            } else {
                permit.failed();
            }
        }
        if (!ok) {
            refused.put(name, new Remembered(token, now + REMEMBER_REFUSED.toNanos()));
            return Result.of(Outcome.WRONG);
        }
        refused.remove(name);
        remembered.put(name, new Remembered(token, now + REMEMBER.toNanos()));
        return new Result(Optional.of(name), true, Outcome.OK, Duration.ZERO);
    }

    /** Hashing slots free now (tests). */
    int freePasswordChecks() {
        return hashing.availablePermits();
    }

    private byte[] mac(String credentials) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(credentials.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
