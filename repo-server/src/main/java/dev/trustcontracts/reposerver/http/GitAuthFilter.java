package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.reposerver.auth.Login;
import dev.trustcontracts.reposerver.git.GitHttp;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP Basic in front of the Git endpoints: pushes (the receive-pack service) always need a user; clone and
 * fetch only in private mode. Credentials that are given are always checked: a wrong password gets 401, a
 * throttled or busy login 429 with Retry-After at once, a malformed header 400.
 */
final class GitAuthFilter implements Filter {
    static final String CHALLENGE = "Basic realm=\"trust-contracts\", charset=\"UTF-8\"";

    private final Login login;
    private final boolean privateRead;

    GitAuthFilter(Login login, boolean privateRead) {
        this.login = login;
        this.privateRead = privateRead;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        boolean needsUser = privateRead || isReceivePack(req);
        String header = req.getHeader("Authorization");
        if (header == null) {
            if (needsUser) {
                challenge(res, isReceivePack(req) ? "pushing needs a user of this server" : "this server requires a login");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        Login.Result r = login.check(header, req.getRemoteAddr(), Login.Channel.GIT);
        switch (r.outcome()) {
            case LOGGED_IN -> req.setAttribute(GitHttp.USER, r.user());
            case NO_CREDENTIALS -> {
                if (needsUser) {
                    challenge(res, "this needs HTTP Basic credentials");
                    return;
                }
            }
            case MALFORMED -> {
                plain(res, HttpServletResponse.SC_BAD_REQUEST, "the Authorization header is not HTTP Basic "
                        + "user:password with a valid user name");
                return;
            }
            case THROTTLED -> {
                res.setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
                plain(res, 429, r.throttledMessage());
                return;
            }
            case WRONG -> {
                challenge(res, "wrong user name or password");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether the request asks for the receive-pack service (push), judged as the Git servlet dispatches it: on the
     * decoded path and the decoded {@code service} parameter. The raw URL alone is not enough: a percent-encoded
     * name ({@code git-receive%2Dpack}) does not match it, yet the servlet decodes and serves it.
     */
    static boolean isReceivePack(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String q = req.getQueryString();
        if (uri.endsWith("/git-receive-pack") || (q != null && q.contains("service=git-receive-pack"))) {
            return true;
        }
        String path = req.getPathInfo();
        if (path == null) {
            return false;
        }
        // the parameter only on info/refs, where the servlet reads it: a POST's body is never parsed here
        return path.endsWith("/git-receive-pack")
                || path.endsWith("/info/refs") && "git-receive-pack".equals(req.getParameter("service"));
    }

    static void challenge(HttpServletResponse res, String message) throws IOException {
        res.setHeader("WWW-Authenticate", CHALLENGE);
        plain(res, HttpServletResponse.SC_UNAUTHORIZED, message);
    }

    private static void plain(HttpServletResponse res, int status, String message) throws IOException {
        res.setStatus(status);
        res.setContentType("text/plain; charset=utf-8");
        res.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
