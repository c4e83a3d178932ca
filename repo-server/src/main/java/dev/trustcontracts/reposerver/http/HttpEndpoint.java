package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.net.HostPort;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.ServerLimits;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.TlsMaterial;
import dev.trustcontracts.reposerver.auth.Login;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.reposerver.git.ContractGit;
import dev.trustcontracts.reposerver.git.GitHttp;
import dev.trustcontracts.reposerver.git.OperationRefused;
import dev.trustcontracts.reposerver.index.CertificateQuery;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.mirror.MirrorStatus;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

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

    /** Where and how the port listens. */
    public record Port(HostPort listen, TlsMaterial tls, ServerLimits limits) {
    }

    /**
     * Who may do what: the server's one {@link Login}, the users file (zones and admins), and whether reads
     * need a login too ({@code --private}).
     */
    public record Users(Login login, UserStore store, boolean privateRead) {
    }

    /** A read-only mirror: what it follows (named in every refusal of a write) and its status ({@code /healthz}). */
    public record Mirror(MirrorOf of, MirrorStatus status) {
    }

    /**
     * Starts the port.
     *
     * @param git     the Git side: the push servlet, merge and revoke, history, proposals
     * @param index   the valid contracts of main
     * @param metrics counters and the {@code /metrics} scrape
     * @param clock   the server's clock (proposal views depend on the time)
     * @param ready   whether the server as a whole is ready ({@code /readyz})
     * @param mirror  on a read-only mirror, what it follows: pushes and writes are refused; null on a primary
     */
    public static HttpEndpoint start(Port port, ContractGit git, ContractIndex index, Users users,
                                     ServerMetrics metrics, Clock clock, BooleanSupplier ready, Mirror mirror) {
        ServerLimits limits = port.limits();
        TlsMaterial tls = port.tls();
        HostPort listen = port.listen();
        ServerConnector[] holder = new ServerConnector[1];
        GitAuthFilter auth = new GitAuthFilter(users.login(), users.privateRead());
        GitLimitFilter gitLimits = new GitLimitFilter(limits, metrics);
        ApiLogin apiLogin = new ApiLogin(users.login(), users.store(), users.privateRead());
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
                if (mirror != null) {
                    // before the login: a push to a mirror is refused whoever asks, with the line that says where to go
                    h.addFilter(new FilterHolder(new ReadOnlyGitFilter(mirror.of().refusal("push to the primary"))),
                            GitHttp.MOUNT, EnumSet.of(DispatcherType.REQUEST));
                }
                h.addFilter(new FilterHolder(gitLimits), GitHttp.MOUNT, EnumSet.of(DispatcherType.REQUEST));
                h.addFilter(new FilterHolder(auth), GitHttp.MOUNT, EnumSet.of(DispatcherType.REQUEST));
                h.addServlet(new ServletHolder(git.servlet()), GitHttp.MOUNT);
            });
            new ApiRoutes(git, index, apiLogin, metrics, clock, ready, mirror).register(cfg.routes);
            // the one place where refusals become status codes
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.problems()));
            cfg.routes.exception(OperationRefused.class, (e, ctx) ->
                    error(ctx, status(e.reason()), e.getMessage(), e.problems()));
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

    /** The status code of a refused Git operation. */
    static int status(OperationRefused.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID_RESULT -> 422;
        };
    }

    private static void error(Context ctx, int status, String message, List<String> problems) {
        if (status == 401 && !fromScript(ctx)) {
            ctx.header("WWW-Authenticate", GitAuthFilter.CHALLENGE);
        }
        json(ctx.status(status), JsonViews.error(status, message, problems));
    }

    static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
