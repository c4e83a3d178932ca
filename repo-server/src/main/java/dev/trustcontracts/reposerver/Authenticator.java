package dev.trustcontracts.reposerver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks HTTP Basic credentials against the users file, with the growing delay of {@link LoginThrottle}
 * on failures. A successful check is remembered for a few minutes under a keyed MAC of the credentials
 * (never the password itself), so a Git push, which authenticates several requests, pays the slow hash once.
 */
public final class Authenticator {
    private static final Duration REMEMBER = Duration.ofMinutes(5);

    private final UserStore users;
    private final LoginThrottle throttle;
    private final byte[] macKey = new byte[32];
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();

    /** The outcome: the user when authenticated, or why not. */
    public record Result(Optional<String> user, boolean credentialsGiven) {
        public boolean ok() {
            return user.isPresent();
        }
    }

    public Authenticator(UserStore users, LoginThrottle throttle) {
        this.users = users;
        this.throttle = throttle;
        new SecureRandom().nextBytes(macKey);
    }

    /**
     * Checks an {@code Authorization} header value. On a wrong password this sleeps for the throttle's delay
     * before returning, so the caller simply answers 401.
     */
    public Result check(String authorization, String remote) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new Result(Optional.empty(), false);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return fail("", remote);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return fail(decoded, remote);
        }
        String name = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        try {
            // bound to the stored hash: a changed password or a removed user invalidates it at once
            String token = mac(decoded + '\u0000' + users.storedHash(name).orElse(""));
            long now = System.nanoTime();
            Long until = remembered.get(token);
            if (until != null && until - now > 0 && users.contains(name)) {
                return new Result(Optional.of(name), true);
            }
            if (users.authenticate(name, password)) {
                throttle.succeeded(name, remote);
                if (remembered.size() > 10_000) {
                    remembered.clear();
                }
                remembered.put(token, now + REMEMBER.toNanos());
                return new Result(Optional.of(name), true);
            }
            return fail(name, remote);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private Result fail(String name, String remote) {
        Duration wait = throttle.failed(name, remote);
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(Optional.empty(), true);
    }

    private String mac(String credentials) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
