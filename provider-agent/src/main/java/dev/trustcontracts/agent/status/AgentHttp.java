package dev.trustcontracts.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} on Javalin (Jetty), as the repo-server's
 * HTTP port: one connector on the --listen address, a few threads (the agent stays small). GET and HEAD only.
 *
 * <ul>
 *   <li>/healthz: 200 with {"status":"ok"} or 503 with {"status":"degraded","problems":[...]}: stale sync,
 *       refused rollback, missing or expired certificate, a certificate due for renewal that the PKI did not
 *       renew, PKI problems, a failing --on-change command, and anything ending within --expiry-warning (a
 *       contract behind chain.pem, a root in it, the root behind cert.pem: {@link ExpiryWarnings}), and with several
 *       remotes one that is down or refused, or two that disagree; each remote under "remotes". For alerting;
 *       restarting the agent fixes none of these.</li>
 *   <li>/readyz: 200 once this run wrote (or confirmed) a bundle and a certificate; 503 before.</li>
 *   <li>/metrics: {@link AgentMetrics}.</li>
 * </ul>
 */
public final class AgentHttp implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_THREADS = 8;
    private static final int IDLE_MS = 10_000;

    private final Javalin app;
    private final ServerConnector connector;
    private final InetSocketAddress listen;
    private final AgentStatus status;
    private final AgentMetrics metrics;
    private final Duration staleAfter;
    private final Duration expiryWarning;
    private final Clock clock;

    public AgentHttp(InetSocketAddress listen, AgentStatus status, Duration staleAfter, Duration expiryWarning,
            Clock clock) throws IOException {
        this.listen = listen;
        this.status = status;
        this.staleAfter = staleAfter;
        this.expiryWarning = expiryWarning;
        this.clock = clock;
        this.metrics = new AgentMetrics(status, clock, expiryWarning);
        ServerConnector[] holder = new ServerConnector[1];
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // Idle, the port costs one selector thread and one worker: threads beyond that (up to MAX_THREADS, the
            // bound on scrapes served at once) start for a burst and end after IDLE_MS; no reserved threads.
            QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 1, IDLE_MS);
            pool.setReservedThreads(0);
            pool.setName("agent-http");
            pool.setDaemon(true);
            cfg.jetty.threadPool = pool;
            cfg.jetty.addConnector((server, httpConfig) -> {
                // no acceptor thread (the selector accepts) and one selector whatever the core count, so the
                // small pool always suffices
                ServerConnector c = new ServerConnector(server, 0, 1, new HttpConnectionFactory(httpConfig));
                c.setHost(listen.getAddress() != null ? listen.getAddress().getHostAddress() : listen.getHostString());
                c.setPort(listen.getPort());
                holder[0] = c;
                return c;
            });
            cfg.routes.before(ctx -> {
                ctx.header("Cache-Control", "no-store");
                if (!HandlerType.GET.equals(ctx.method()) && !HandlerType.HEAD.equals(ctx.method())) {
                    throw new MethodNotAllowed();
                }
            });
            // HEAD runs the same handler (Javalin alone would answer it 200 unseen): the status code is the answer
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.HEAD)) {
                cfg.routes.addHttpHandler(method, "/healthz", this::health);
                cfg.routes.addHttpHandler(method, "/readyz", this::ready);
                cfg.routes.addHttpHandler(method, "/metrics",
                        ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
            }
            cfg.routes.exception(MethodNotAllowed.class, (e, ctx) ->
                    text(ctx.status(405).header("Allow", "GET, HEAD"), "GET only\n"));
            cfg.routes.error(404, ctx -> text(ctx, "not found\n"));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            throw new IOException("cannot serve health and metrics on " + listen.getHostString() + ":"
                    + listen.getPort() + ": " + e.getMessage(), e);
        }
        this.connector = holder[0];
    }

    /** The bound address (the port chosen when --listen asked for port 0). */
    public InetSocketAddress address() {
        return listen.getAddress() != null
                ? new InetSocketAddress(listen.getAddress(), connector.getLocalPort())
                : new InetSocketAddress(listen.getHostString(), connector.getLocalPort());
    }

    /** A method other than GET or HEAD: 405 whatever the path. */
    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed() {
            super(null, null, false, false);
        }
    }

    private void health(Context ctx) throws JsonProcessingException {
        Instant now = clock.instant();
        List<String> problems = status.problems(now, staleAfter, expiryWarning);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("status", problems.isEmpty() ? "ok" : "degraded");
        n.put("problems", problems);
        n.put("staleness_seconds", Math.round(status.stalenessSeconds(now)));
        n.put("last_success", text(status.lastSuccess()));
        n.put("last_attempt", text(status.lastAttempt()));
        n.put("applied_commit", status.appliedCommit());
        n.put("peers", status.peers());
        n.put("certificate_not_after", text(status.certNotAfter()));
        n.put("ready", status.isReady());
        n.put("notify_connected", status.isNotifyConnected());
        HeartbeatStatus hb = status.heartbeat();
        if (hb != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("age_seconds", hb.freshest() == null ? null : Math.round(hb.ageSeconds(now)));
            h.put("max_staleness_seconds", hb.maxStaleness().toSeconds());
            h.put("stale", hb.stale(now));
            h.put("main_commit", hb.freshest() == null ? null : hb.freshest().mainCommit());
            h.put("issued_at", hb.freshest() == null ? null : text(hb.freshest().issuedAt()));
            h.put("sequence", hb.freshest() == null ? null : hb.freshest().sequence());
            h.put("remote", hb.remote());
            h.put("peers_withheld", hb.peersWithheld());
            h.put("not_counted", hb.notCounted());
            n.put("heartbeat", h);
        }
        n.put("remotes", status.remotes().stream().map(AgentHttp::remote).toList());
        ctx.status(problems.isEmpty() ? 200 : 503).contentType("application/json")
                .result(JSON.writeValueAsString(n) + "\n");
    }

    /** One remote in /healthz: its URL without credentials, what its head meant, and when it was last fetched. */
    private static Map<String, Object> remote(RemoteReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remote", r.remote());
        m.put("reachable", r.reachable());
        m.put("state", r.state().label());
        m.put("head", r.head());
        m.put("problem", r.problem());
        m.put("last_fetch", text(r.lastFetch()));
        return m;
    }

    private void ready(Context ctx) {
        if (status.isReady()) {
            text(ctx, "ready\n");
        } else {
            text(ctx.status(503), "not ready: no bundle and certificate written yet\n");
        }
    }

    private static void text(Context ctx, String body) {
        ctx.contentType("text/plain").result(body);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        app.stop();
    }
}
