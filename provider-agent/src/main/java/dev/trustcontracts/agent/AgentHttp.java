package dev.trustcontracts.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} on the JDK's own HTTP server, one
 * thread: the agent stays small.
 *
 * <ul>
 *   <li>/healthz: 200 with {"status":"ok"} or 503 with {"status":"degraded","problems":[...]}: stale sync,
 *       refused rollback, missing or expired certificate, a certificate due for renewal that the PKI did not
 *       renew, PKI problems, a failing --on-change command. For alerting; restarting the agent fixes none of
 *       these.</li>
 *   <li>/readyz: 200 once this run wrote (or confirmed) a bundle and a certificate; 503 before.</li>
 * </ul>
 */
public final class AgentHttp implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final AgentStatus status;
    private final Duration staleAfter;
    private final Clock clock;

    public AgentHttp(InetSocketAddress listen, AgentStatus status, Duration staleAfter, Clock clock) throws IOException {
        this.status = status;
        this.staleAfter = staleAfter;
        this.clock = clock;
        this.server = HttpServer.create(listen, 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", ex -> respond(ex, this::health));
        server.createContext("/readyz", ex -> respond(ex, this::ready));
        server.createContext("/metrics", ex -> respond(ex, this::metrics));
        server.createContext("/", ex -> respond(ex, e -> new Reply(404, "text/plain", "not found\n")));
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private record Reply(int code, String type, String body) {
    }

    private interface Handler {
        Reply handle(HttpExchange ex) throws IOException;
    }

    private static void respond(HttpExchange ex, Handler h) throws IOException {
        try (ex) {
            Reply r;
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                r = new Reply(405, "text/plain", "GET only\n");
            } else {
                r = h.handle(ex);
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", r.type());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(r.code(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
        }
    }

    private Reply health(HttpExchange ex) {
        Instant now = clock.instant();
        List<String> problems = status.problems(now, staleAfter);
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
        return new Reply(problems.isEmpty() ? 200 : 503, "application/json", Json.write(n));
    }

    private Reply ready(HttpExchange ex) {
        return status.isReady()
                ? new Reply(200, "text/plain", "ready\n")
                : new Reply(503, "text/plain", "not ready: no bundle and certificate written yet\n");
    }

    private Reply metrics(HttpExchange ex) {
        Instant now = clock.instant();
        StringBuilder sb = new StringBuilder(2048);
        gauge(sb, "trustctl_agent_last_success_timestamp_seconds", "Unix time of the last successful sync (0: none yet).",
                seconds(status.lastSuccess()));
        gauge(sb, "trustctl_agent_staleness_seconds", "Seconds since the last successful sync, or since start.",
                status.stalenessSeconds(now));
        help(sb, "trustctl_agent_applied_commit_info", "The commit of main the outputs reflect.", "gauge");
        String commit = status.appliedCommit();
        sb.append("trustctl_agent_applied_commit_info{commit=\"").append(commit == null ? "" : commit).append("\"} 1\n");
        gauge(sb, "trustctl_agent_peers", "Peer roots in chain.pem (-1: no bundle yet).", status.peers());
        help(sb, "trustctl_agent_failures_total", "Failures by kind.", "counter");
        for (FailureKind k : FailureKind.values()) {
            sb.append("trustctl_agent_failures_total{kind=\"").append(k.label()).append("\"} ")
                    .append(status.failures(k)).append('\n');
        }
        help(sb, "trustctl_agent_cycles_total", "Sync cycles by result.", "counter");
        sb.append("trustctl_agent_cycles_total{result=\"ok\"} ").append(status.cyclesOk()).append('\n');
        sb.append("trustctl_agent_cycles_total{result=\"failed\"} ").append(status.cyclesFailed()).append('\n');
        gauge(sb, "trustctl_agent_rollback_refused", "1 while a fetched head whose first-parent chain lacks the "
                + "applied commit is refused.", status.rollbackRefused() == null ? 0 : 1);
        gauge(sb, "trustctl_agent_ready", "1 once a bundle and a certificate were written.", status.isReady() ? 1 : 0);
        gauge(sb, "trustctl_agent_certificate_not_after_timestamp_seconds", "Expiry of cert.pem (0: none).",
                seconds(status.certNotAfter()));
        gauge(sb, "trustctl_agent_revoked_ids", "Contract ids remembered as removed (never trusted again).",
                status.revokedIds());
        gauge(sb, "trustctl_agent_replays_ignored", "Valid contract files ignored because their id was removed before.",
                status.ignoredReplays());
        // one series per contract behind chain.pem (names are DNS labels: safe as label values), and the earliest
        Map<String, Instant> expiries = status.contractExpiries();
        help(sb, "trustctl_agent_contract_effective_expiry_timestamp_seconds", "Effective expiry of each contract "
                + "behind chain.pem: the earliest of not_after and its roots' and signers' notAfter.", "gauge");
        expiries.forEach((name, at) -> sb.append("trustctl_agent_contract_effective_expiry_timestamp_seconds{contract=\"")
                .append(name).append("\"} ").append(format(seconds(at))).append('\n'));
        gauge(sb, "trustctl_agent_earliest_contract_expiry_timestamp_seconds", "The earliest effective expiry of "
                + "the contracts behind chain.pem (0: none).",
                seconds(expiries.values().stream().min(Instant::compareTo).orElse(null)));
        gauge(sb, "trustctl_agent_invalid_files", "Files in the applied tree that failed verification.",
                status.invalidFiles());
        counter(sb, "trustctl_agent_output_files_changed_total", "Output files replaced.", status.outputChanges());
        counter(sb, "trustctl_agent_on_change_runs_total", "Runs of the --on-change command.", status.hookRuns());
        gauge(sb, "trustctl_agent_on_change_failing", "1 while the --on-change command fails (it is retried with backoff).",
                status.hookProblem() == null ? 0 : 1);
        gauge(sb, "trustctl_agent_certificate_renewal_failing", "1 while the certificate is due for renewal and the PKI "
                + "did not renew it.", status.renewalProblem() == null ? 0 : 1);
        gauge(sb, "trustctl_agent_notify_connected", "1 while the --notify stream is open.",
                status.isNotifyConnected() ? 1 : 0);
        counter(sb, "trustctl_agent_doorbells_total", "Changes signalled by the --notify stream.", status.doorbells());
        gauge(sb, "trustctl_agent_last_cycle_duration_seconds", "Wall time of the last cycle.", status.lastCycleSeconds());
        gauge(sb, "trustctl_agent_last_cycle_cpu_seconds", "CPU time of the last cycle (cycle thread).",
                status.lastCycleCpuSeconds());
        return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", sb.toString());
    }

    private static void help(StringBuilder sb, String name, String help, String type) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        help(sb, name, help, "gauge");
        sb.append(name).append(' ').append(format(v)).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        help(sb, name, help, "counter");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static double seconds(Instant t) {
        return t == null ? 0 : t.toEpochMilli() / 1000.0;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
