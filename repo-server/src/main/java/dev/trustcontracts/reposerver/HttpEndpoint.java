package dev.trustcontracts.reposerver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The HTTP port (Javalin on Jetty): Git smart HTTP at {@code /git/contracts.git}, the JSON API, health and
 * Prometheus metrics. One connector, plain or TLS, on the configured address.
 */
public final class HttpEndpoint implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Javalin app;
    private final ServerConnector connector;
    private final GitLimitFilter gitLimits;

    private HttpEndpoint(Javalin app, ServerConnector connector, GitLimitFilter gitLimits) {
        this.app = app;
        this.connector = connector;
        this.gitLimits = gitLimits;
    }

    /** What the routes need. */
    public record Parts(ContractRepository repository, ContractIndex index, TreeValidator validator,
                        ProposalMerger merger, ContractRevoker revoker, Authenticator authenticator,
                        ServerMetrics metrics, GitServlet git, boolean privateRead,
                        java.util.function.BooleanSupplier ready, UserStore users) {
    }

    public static HttpEndpoint start(HostPort listen, TlsMaterial tls, ServerLimits limits, Parts parts) {
        ServerConnector[] holder = new ServerConnector[1];
        GitAuthFilter auth = new GitAuthFilter(parts.authenticator(), parts.privateRead(), parts.metrics());
        GitLimitFilter gitLimits = new GitLimitFilter(limits, parts.metrics());
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // a fixed ceiling of threads; Git may hold at most half of them (GitLimitFilter), logins never wait
            QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()));
            pool.setName("http");
            cfg.jetty.threadPool = pool;
            cfg.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c;
                if (tls == null) {
                    c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                } else {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(tls.keyStore());
                    ssl.setKeyStorePassword(tls.keyStorePassword());
                    httpConfig.addCustomizer(new SecureRequestCustomizer(false));
                    c = new ServerConnector(server, ssl, new HttpConnectionFactory(httpConfig));
                }
                c.setHost(listen.host());
                c.setPort(listen.port());
                c.setIdleTimeout(limits.idleTimeout().toMillis());
                holder[0] = c;
                return c;
            });
            cfg.jetty.modifyServletContextHandler(h -> {
                h.addFilter(new FilterHolder(new NoMethodOverride()), "/*", EnumSet.of(DispatcherType.REQUEST));
                h.addFilter(new FilterHolder(gitLimits), GitHttp.MOUNT, EnumSet.of(DispatcherType.REQUEST));
                h.addFilter(new FilterHolder(auth), GitHttp.MOUNT, EnumSet.of(DispatcherType.REQUEST));
                h.addServlet(new ServletHolder(parts.git()), GitHttp.MOUNT);
            });
            new Routes(parts).register(cfg.routes);
            cfg.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.status() == 401 && !fromScript(ctx)) {
                    ctx.header("WWW-Authenticate", GitAuthFilter.CHALLENGE);
                }
                json(ctx.status(e.status()), JsonViews.error(e.status(), e.getMessage(), e.problems()));
            });
            cfg.routes.exception(CertificateQuery.BadQuery.class, (e, ctx) ->
                    json(ctx.status(400), JsonViews.error(400, e.getMessage(), List.of())));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            gitLimits.close();
            throw e;
        }
        return new HttpEndpoint(app, holder[0], gitLimits);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
        gitLimits.close();
    }

    /**
     * Whether the request says it comes from a page's script (the web UI sends {@code X-Requested-With}):
     * its 401 carries no Basic challenge, so that the browser shows the page's own login form and message
     * instead of its built-in password dialog.
     */
    static boolean fromScript(Context ctx) {
        return "XMLHttpRequest".equalsIgnoreCase(ctx.header("X-Requested-With"));
    }

    static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The routes, apart from the servlet plumbing. */
    private static final class Routes {
        private final Parts p;
        private final ContractHistory history;
        private final ProposalViews proposals;

        Routes(Parts parts) {
            this.p = parts;
            this.history = new ContractHistory(parts.repository());
            this.proposals = new ProposalViews(parts.repository(), parts.index(), parts.validator(),
                    java.time.Clock.systemUTC());
        }

        void register(io.javalin.config.RoutesConfig r) {
            r.before(WebUi::securityHeaders);
            WebUi.register(r);
            r.get("/healthz", ctx -> json(ctx, Map.of("status", "ok")));
            r.get("/readyz", ctx -> {
                boolean ready = p.ready().getAsBoolean() && p.index().loaded();
                json(ctx.status(ready ? 200 : 503), Map.of("ready", ready,
                        "commit", p.index().loaded() ? p.index().current().commit() : ""));
            });
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(p.metrics().scrape()));
            r.get("/api/contracts", ctx -> {
                readAllowed(ctx);
                json(ctx, JsonViews.contractList(p.index().current()));
            });
            r.get("/api/contracts/{name}", ctx -> {
                readAllowed(ctx);
                IndexSnapshot s = p.index().current();
                String name = ctx.pathParam("name");
                var c = s.contract(name).orElseThrow(() ->
                        new ApiException(404, "no valid contract '" + name + "' on main at " + s.commit()));
                Map<String, Object> body = JsonViews.contract(s, c);
                body.put("addedIn", history.lastChange(c.path()).orElse(null));
                json(ctx, body);
            });
            r.delete("/api/contracts/{name}", ctx -> {
                String user = user(ctx);
                String name = ctx.pathParam("name");
                ObjectId before = p.repository().main();
                try {
                    ContractRevoker.Revoked done = p.revoker().revoke(name, p.users().access(user));
                    Audit.mainChange("revoke", user, ctx.req().getRemoteAddr(), name, before, done.commit(), null);
                    json(ctx, done.json());
                } catch (ApiException e) {
                    Audit.mainChange("revoke", user, ctx.req().getRemoteAddr(), name, before, null, e.getMessage());
                    throw e;
                }
            });
            r.get("/api/certificates", ctx -> {
                readAllowed(ctx);
                CertificateQuery q = CertificateQuery.of(ctx.queryParam("hash"), ctx.queryParam("name"));
                json(ctx, JsonViews.certificates(q, q.answer(p.index().current())));
            });
            r.get("/api/whoami", ctx -> {
                Access a = p.users().access(user(ctx));
                json(ctx, Map.of("user", a.user(), "zones", new java.util.TreeSet<>(a.zones()), "admin", a.admin()));
            });
            r.get("/api/zones", ctx -> {
                readAllowed(ctx);
                json(ctx, ZoneView.json(p.index().current()));
            });
            r.get("/api/history", ctx -> {
                readAllowed(ctx);
                String limit = ctx.queryParam("limit");
                int n;
                try {
                    n = limit == null ? ContractHistory.DEFAULT_LIMIT : Integer.parseInt(limit);
                } catch (NumberFormatException e) {
                    throw new ApiException(400, "limit must be a number");
                }
                json(ctx, history.list(ctx.queryParam("contract"), ctx.queryParam("start"), n));
            });
            r.get("/api/proposals", ctx -> {
                readAllowed(ctx);
                json(ctx, Map.of("proposals", ProposalList.list(p.repository())));
            });
            r.get("/api/proposals/<branch>", ctx -> {
                readAllowed(ctx);
                String branch = ctx.pathParam("branch");
                var tip = p.repository().branch(branch)
                        .orElseThrow(() -> new ApiException(404, "no branch '" + branch + "'"));
                if (branch.equals("main")) {
                    throw new ApiException(400, "main is not a proposal");
                }
                json(ctx, proposals.view(branch, tip));
            });
            r.post("/api/proposals/<branch>/merge", ctx -> {
                String user = user(ctx);
                String branch = ctx.pathParam("branch");
                ObjectId before = p.repository().main();
                try {
                    ProposalMerger.Merged done = p.merger().merge(branch, p.users().access(user));
                    Audit.mainChange("merge", user, ctx.req().getRemoteAddr(), branch, before, done.commit(), null);
                    json(ctx, done.json());
                } catch (ApiException e) {
                    Audit.mainChange("merge", user, ctx.req().getRemoteAddr(), branch, before, null, e.getMessage());
                    throw e;
                }
            });
        }

        private void readAllowed(Context ctx) {
            if (p.privateRead()) {
                user(ctx);
            }
        }

        private String user(Context ctx) {
            sameOrigin(ctx);
            String header = ctx.header("Authorization");
            if (header == null) {
                throw new ApiException(401, "this needs a user of the server (HTTP Basic)");
            }
            Authenticator.Result r = p.authenticator().check(header, ctx.req().getRemoteAddr());
            switch (r.outcome()) {
                case OK -> {
                    return r.user().get();
                }
                case NONE -> throw new ApiException(401, "this needs a user of the server (HTTP Basic)");
                case MALFORMED -> {
                    p.metrics().loginRefused("malformed");
                    throw new ApiException(400, "the Authorization header is not HTTP Basic user:password with a "
                            + "valid user name");
                }
                case THROTTLED, BUSY -> {
                    p.metrics().loginRefused(r.outcome() == Authenticator.Outcome.BUSY ? "busy" : "throttled");
                    ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
                    throw new ApiException(429, r.outcome() == Authenticator.Outcome.BUSY
                            ? "too many logins are being checked; retry in " + r.retryAfterSeconds() + " s"
                            : "too many failed logins; retry in " + r.retryAfterSeconds() + " s");
                }
                default -> {
                    p.metrics().loginFailed();
                    Audit.loginFailed(header, ctx.req().getRemoteAddr(), "api");
                    throw new ApiException(401, "wrong user name or password");
                }
            }
        }

        /**
         * A browser that once answered the Basic challenge for this server attaches the credentials to any
         * request to it, also one that another site's page makes: refuse a request that a browser marks as
         * coming from a page of another origin. Clients that send no {@code Origin} (curl, git) are unaffected.
         */
        private static void sameOrigin(Context ctx) {
            String origin = ctx.header("Origin");
            if (origin == null || io.javalin.http.HandlerType.GET.equals(ctx.method())) {
                return;
            }
            String host = ctx.header("Host");
            java.net.URI u;
            try {
                u = java.net.URI.create(origin);
            } catch (IllegalArgumentException e) {
                throw new ApiException(403, "requests from other sites are refused");
            }
            String hostPort = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            if (host == null || u.getHost() == null || !host.equalsIgnoreCase(hostPort)) {
                throw new ApiException(403, "requests from other sites are refused");
            }
        }
    }
}
