package dev.trustcontracts.reposerver.auth;

import dev.trustcontracts.reposerver.Audit;
import dev.trustcontracts.reposerver.ServerMetrics;
import java.time.Clock;

/**
 * The one login path of the server: Git over HTTP, the JSON API and gRPC all hand their {@code Authorization}
 * value here. It runs the {@link Authenticator} (throttle, hashing slots, constant-time compare), counts every
 * refusal in the metrics and writes the audit line of a wrong password, and answers with a {@link Result}
 * that says what happened in words of authentication only: each channel maps it to its own status code.
 */
public final class Login {
    /** Where a login came from: named in the audit log. */
    public enum Channel {
        GIT("git"),
        API("api"),
        /**
         * On gRPC the {@code authorization} metadata has no other scheme to fall back to: a value that is not
         * HTTP Basic counts as malformed there.
         */
        GRPC("grpc");

        private final String auditName;

        Channel(String auditName) {
            this.auditName = auditName;
        }
    }

    /** How a login ended. */
    public enum Outcome {
        /** Authenticated. */
        LOGGED_IN,
        /** No HTTP Basic credentials given. */
        NO_CREDENTIALS,
        /** Credentials given but not {@code user:password} with a valid user name. */
        MALFORMED,
        /** Not checked now: too many failures, another check in flight, or every hashing slot taken. */
        THROTTLED,
        /** Wrong user name or password. */
        WRONG
    }

    /**
     * The outcome of one login.
     *
     * @param user              the user when {@link Outcome#LOGGED_IN}, else null
     * @param busy              for THROTTLED: refused because every hashing slot was taken
     * @param retryAfterSeconds for THROTTLED: when to try again (at least 1); else 0
     */
    public record Result(Outcome outcome, String user, boolean busy, long retryAfterSeconds) {
        static Result of(Outcome o) {
            return new Result(o, null, false, 0);
        }

        /** The one line for an HTTP answer to a THROTTLED login. */
        public String throttledMessage() {
            return busy ? "too many logins are being checked; retry in " + retryAfterSeconds + " s"
                    : "too many failed logins; retry in " + retryAfterSeconds + " s";
        }
    }

    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final ServerMetrics metrics;

    private Login(Authenticator authenticator, LoginThrottle throttle, ServerMetrics metrics) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /**
     * The login of a server: the users file, the standard throttle on {@code clock}, and at most
     * {@code passwordChecks} slow hashes at once.
     */
    public static Login of(UserStore users, Clock clock, int passwordChecks, ServerMetrics metrics) {
        LoginThrottle throttle = LoginThrottle.standard(clock);
        return new Login(new Authenticator(users, throttle, passwordChecks), throttle, metrics);
    }

    /** Users and addresses the login throttle tracks now. */
    public int throttleEntries() {
        return throttle.size();
    }

    /** Checks an {@code Authorization} value (null: none given) from {@code remote}, over {@code channel}. */
    public Result check(String authorization, String remote, Channel channel) {
        if (authorization == null) {
            return Result.of(Outcome.NO_CREDENTIALS);
        }
        Authenticator.Result r = authenticator.check(authorization, remote);
        return switch (r.outcome()) {
            case OK -> new Result(Outcome.LOGGED_IN, r.user().get(), false, 0);
            case NONE -> {
                if (channel != Channel.GRPC) {
                    yield Result.of(Outcome.NO_CREDENTIALS);
                }
                metrics.loginRefused("malformed");
                yield Result.of(Outcome.MALFORMED);
            }
            case MALFORMED -> {
                metrics.loginRefused("malformed");
                yield Result.of(Outcome.MALFORMED);
            }
            case THROTTLED, BUSY -> {
                boolean busy = r.outcome() == Authenticator.Outcome.BUSY;
                metrics.loginRefused(busy ? "busy" : "throttled");
                yield new Result(Outcome.THROTTLED, null, busy, r.retryAfterSeconds());
            }
            case WRONG -> {
                metrics.loginFailed();
                Audit.loginFailed(authorization, remote, channel.auditName);
                yield Result.of(Outcome.WRONG);
            }
        };
    }
}
