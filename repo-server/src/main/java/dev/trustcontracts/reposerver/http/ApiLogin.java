package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.reposerver.auth.Access;
import dev.trustcontracts.reposerver.auth.Login;
import dev.trustcontracts.reposerver.auth.UserStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;

/**
 * Who is calling the JSON API: HTTP Basic through the server's one {@link Login}, each outcome as a status
 * code with a one-line reason; and whether reads need a user ({@code --private}).
 */
final class ApiLogin {
    private final Login login;
    private final UserStore users;
    private final boolean privateRead;

    ApiLogin(Login login, UserStore users, boolean privateRead) {
        this.login = login;
        this.users = users;
        this.privateRead = privateRead;
    }

    /** Refuses a read by an anonymous client in private mode. */
    void readAllowed(Context ctx) {
        if (privateRead) {
            user(ctx);
        }
    }

    /** The authenticated user and what it may act for. */
    Access access(Context ctx) {
        return access(user(ctx));
    }

    /** What an authenticated user may act for, read from the users file now. */
    Access access(String user) {
        return users.access(user);
    }

    /** The authenticated user's name, or a refusal (401, 400, 429; 403 for another site's page). */
    String user(Context ctx) {
        sameOrigin(ctx);
        String header = ctx.header("Authorization");
        Login.Result r = login.check(header, ctx.req().getRemoteAddr(), Login.Channel.API);
        return switch (r.outcome()) {
            case LOGGED_IN -> r.user();
            case NO_CREDENTIALS -> throw new ApiException(401, "this needs a user of the server (HTTP Basic)");
            case MALFORMED -> throw new ApiException(400, "the Authorization header is not HTTP Basic user:password "
                    + "with a valid user name");
            case THROTTLED -> {
                ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
                throw new ApiException(429, r.throttledMessage());
            }
            case WRONG -> throw new ApiException(401, "wrong user name or password");
        };
    }

    /**
     * A browser that once answered the Basic challenge for this server attaches the credentials to any
     * request to it, also one that another site's page makes: refuse a request that a browser marks as
     * coming from a page of another origin. Clients that send no {@code Origin} (curl, git) are unaffected.
     */
    private static void sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || HandlerType.GET.equals(ctx.method())) {
            return;
        }
        String host = ctx.header("Host");
        URI u;
        try {
            u = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new ApiException(403, "requests from other sites are refused");
        }
        String hostPort = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        if (host == null || u.getHost() == null || !host.equalsIgnoreCase(hostPort)) {
            throw new ApiException(403, "requests from other sites are refused");
        }
    }
}
