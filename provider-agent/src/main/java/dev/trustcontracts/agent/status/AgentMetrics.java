package dev.trustcontracts.agent.status;

import dev.trustcontracts.agent.FailureKind;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The agent's Prometheus metrics on Micrometer, as the repo-server's: gauges and counters read {@link AgentStatus}
 * when scraped (the cycle keeps writing only its status). Every name starts {@code trustctl.agent.}, exposed as
 * {@code trustctl_agent_...}; docs/provider-agent.md lists them.
 */
final class AgentMetrics {
    private static final String SECONDS = "seconds";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AgentStatus status;
    /** Series whose labels follow the status (the applied commit, the contracts behind chain.pem): set per scrape. */
    private final MultiGauge appliedCommit;
    private final MultiGauge contractExpiry;
    private final MultiGauge rootExpiry;
    private final MultiGauge heartbeatCommit;
    /** One series per --remote (labelled by its URL without user name or password), set per scrape. */
    private final MultiGauge remoteUp;
    private final MultiGauge remoteState;
    private final MultiGauge remoteHead;
    private final MultiGauge remoteLastFetch;

    AgentMetrics(AgentStatus status, Clock clock, Duration expiryWarning) {
        this.status = status;
        gauge("trustctl.agent.last.success.timestamp", SECONDS, "Unix time of the last successful sync (0: none yet).",
                s -> seconds(s.lastSuccess()));
        gauge("trustctl.agent.staleness", SECONDS, "Seconds since the last successful sync, or since start.",
                s -> s.stalenessSeconds(clock.instant()));
        appliedCommit = MultiGauge.builder("trustctl.agent.applied.commit.info")
                .description("The commit of main the outputs reflect.").register(registry);
        gauge("trustctl.agent.peers", null, "Peer roots in chain.pem (-1: no bundle yet).", AgentStatus::peers);
        for (FailureKind k : FailureKind.values()) {
            counter("trustctl.agent.failures", "Failures by kind.", Tags.of("kind", k.label()), s -> s.failures(k));
        }
        counter("trustctl.agent.cycles", "Sync cycles by result.", Tags.of("result", "ok"), AgentStatus::cyclesOk);
        counter("trustctl.agent.cycles", "Sync cycles by result.", Tags.of("result", "failed"),
                AgentStatus::cyclesFailed);
        gauge("trustctl.agent.rollback.refused", null, "1 while a fetched head whose first-parent chain lacks the "
                + "applied commit is refused.", s -> s.rollbackRefused() == null ? 0 : 1);
        gauge("trustctl.agent.ready", null, "1 once a bundle and a certificate were written.",
                s -> s.isReady() ? 1 : 0);
        gauge("trustctl.agent.certificate.not.after.timestamp", SECONDS, "Expiry of cert.pem (0: none).",
                s -> seconds(s.certNotAfter()));
        gauge("trustctl.agent.revoked.ids", null, "Contract ids remembered as removed (never trusted again).",
                AgentStatus::revokedIds);
        gauge("trustctl.agent.replays.ignored", null,
                "Valid contract files ignored because their id was removed before.", AgentStatus::ignoredReplays);
        // one series per contract behind chain.pem (names are DNS labels: safe as label values), and the earliest
        contractExpiry = MultiGauge.builder("trustctl.agent.contract.effective.expiry.timestamp").baseUnit(SECONDS)
                .description("Effective expiry of each contract behind chain.pem: the earliest of not_after and its "
                        + "roots' and signers' notAfter.").register(registry);
        gauge("trustctl.agent.earliest.contract.expiry.timestamp", SECONDS, "The earliest effective expiry of the "
                + "contracts behind chain.pem (0: none).",
                s -> seconds(s.contractExpiries().values().stream().min(Instant::compareTo).orElse(null)));
        // ends as points in time, not "seconds left": a scrape-time countdown would move without anything happening
        rootExpiry = MultiGauge.builder("trustctl.agent.root.not.after.timestamp").baseUnit(SECONDS)
                .description("notAfter of each root in chain.pem (role own: the zone's current and next root; peer: "
                        + "every root of every peer).").register(registry);
        gauge("trustctl.agent.certificate.issuer.not.after.timestamp", SECONDS, "notAfter of the root that issued "
                + "cert.pem (0: none).", s -> s.issuingRoot() == null ? 0 : seconds(s.issuingRoot().notAfter()));
        gauge("trustctl.agent.expiry.warning.margin", SECONDS, "The --expiry-warning margin.",
                s -> expiryWarning.toMillis() / 1000.0);
        gauge("trustctl.agent.expiry.warnings", null, "Contracts and roots ending within the --expiry-warning margin "
                + "(each also a /healthz problem).", s -> ExpiryWarnings.of(s, clock.instant(), expiryWarning).size());
        gauge("trustctl.agent.invalid.files", null, "Files in the applied tree that failed verification.",
                AgentStatus::invalidFiles);
        counter("trustctl.agent.output.files.changed", "Output files replaced.", Tags.empty(),
                AgentStatus::outputChanges);
        counter("trustctl.agent.on.change.runs", "Runs of the --on-change command.", Tags.empty(),
                AgentStatus::hookRuns);
        gauge("trustctl.agent.on.change.failing", null, "1 while the --on-change command fails (it is retried with "
                + "backoff).", s -> s.hookProblem() == null ? 0 : 1);
        gauge("trustctl.agent.certificate.renewal.failing", null, "1 while the certificate is due for renewal and "
                + "the PKI did not renew it.", s -> s.renewalProblem() == null ? 0 : 1);
        counter("trustctl.agent.kubernetes.writes", "Kubernetes objects (--out-kubernetes-secret, "
                + "--out-kubernetes-configmap) created or updated.", Tags.empty(), AgentStatus::kubernetesWrites);
        gauge("trustctl.agent.kubernetes.failing", null, "1 while the Kubernetes outputs cannot be written (retried "
                + "every cycle; the objects keep their last content).", s -> s.kubernetesProblem() == null ? 0 : 1);
        gauge("trustctl.agent.notify.connected", null, "1 while the --notify stream is open.",
                s -> s.isNotifyConnected() ? 1 : 0);
        counter("trustctl.agent.doorbells", "Changes signalled by the --notify stream.", Tags.empty(),
                AgentStatus::doorbells);
        // the heartbeat (--heartbeat-cert): registered without it too, so the scrape has the same series either way
        gauge("trustctl.agent.heartbeat.age", SECONDS, "Age of the freshest counted heartbeat (-1: none counted, or "
                + "no --heartbeat-cert).", s -> s.heartbeat() == null ? -1 : s.heartbeat().ageSeconds(clock.instant()));
        gauge("trustctl.agent.heartbeat.issued.timestamp", SECONDS, "When the freshest counted heartbeat was issued "
                + "(0: none).", s -> s.heartbeat() == null || s.heartbeat().freshest() == null ? 0
                        : seconds(s.heartbeat().freshest().issuedAt()));
        gauge("trustctl.agent.heartbeat.sequence", null, "Sequence of the freshest counted heartbeat (0: none).",
                s -> s.heartbeat() == null || s.heartbeat().freshest() == null ? 0
                        : s.heartbeat().freshest().sequence());
        heartbeatCommit = MultiGauge.builder("trustctl.agent.heartbeat.commit.info")
                .description("The main commit the freshest counted heartbeat names.").register(registry);
        gauge("trustctl.agent.heartbeat.max.staleness", SECONDS, "The --max-staleness bound (0: no --heartbeat-cert).",
                s -> s.heartbeat() == null ? 0 : s.heartbeat().maxStaleness().toMillis() / 1000.0);
        gauge("trustctl.agent.heartbeat.stale", null, "1 while no heartbeat counts or the freshest is older than "
                + "--max-staleness.", s -> s.heartbeat() != null && s.heartbeat().stale(clock.instant()) ? 1 : 0);
        gauge("trustctl.agent.heartbeat.peers.withheld", null, "1 while the outputs hold the own roots only "
                + "(--distrust-peers-when-stale).", s -> s.heartbeat() != null && s.heartbeat().peersWithheld() ? 1 : 0);
        for (String reason : HeartbeatStatus.REASONS) {
            Gauge.builder("trustctl.agent.heartbeat.not.counted", status,
                            s -> s.heartbeat() == null ? 0 : s.heartbeat().notCountedBy().getOrDefault(reason, 0))
                    .description("Fetched heartbeats the last cycle did not count, by reason.")
                    .tags(Tags.of("reason", reason)).strongReference(true).register(registry);
        }
        remoteUp = MultiGauge.builder("trustctl.agent.remote.up")
                .description("1 when the last fetch from the remote succeeded.").register(registry);
        remoteState = MultiGauge.builder("trustctl.agent.remote.state")
                .description("1 for the remote's state in the last cycle, 0 for the others: current, lags, refused, "
                        + "diverged, unreachable.").register(registry);
        remoteHead = MultiGauge.builder("trustctl.agent.remote.head.info")
                .description("Always 1: the remote's main as last fetched.").register(registry);
        remoteLastFetch = MultiGauge.builder("trustctl.agent.remote.last.fetch.timestamp").baseUnit(SECONDS)
                .description("Unix time of the last successful fetch from the remote (0: none since start).")
                .register(registry);
        gauge("trustctl.agent.remotes.disagree", null, "1 while two remotes' heads fork (only what all hold is "
                + "applied; the removals of every one are honoured).", s -> s.remotesDisagree() == null ? 0 : 1);
        gauge("trustctl.agent.last.cycle.duration", SECONDS, "Wall time of the last cycle.",
                AgentStatus::lastCycleSeconds);
        gauge("trustctl.agent.last.cycle.cpu", SECONDS, "CPU time of the last cycle (cycle thread).",
                AgentStatus::lastCycleCpuSeconds);
    }

    /** The Prometheus text exposition of the status now. */
    synchronized String scrape() {
        String commit = status.appliedCommit();
        appliedCommit.register(List.of(MultiGauge.Row.of(Tags.of("commit", commit == null ? "" : commit), 1)), true);
        contractExpiry.register(status.contractExpiries().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("contract", e.getKey()), seconds(e.getValue())))
                .toList(), true);
        rootExpiry.register(status.roots().stream()
                .map(r -> MultiGauge.Row.of(Tags.of("zone", r.zone(), "fingerprint", r.fingerprint(), "role", r.role()),
                        seconds(r.notAfter())))
                .toList(), true);
        HeartbeatStatus hb = status.heartbeat();
        // as applied_commit_info: one series always, the commit empty while none counts
        heartbeatCommit.register(List.of(MultiGauge.Row.of(Tags.of("commit",
                hb == null || hb.freshest() == null ? "" : hb.freshest().mainCommit()), 1)), true);
        List<RemoteReport> remotes = status.remotes();
        remoteUp.register(remotes.stream()
                .map(r -> MultiGauge.Row.of(Tags.of("remote", r.remote()), r.reachable() ? 1 : 0)).toList(), true);
        remoteState.register(remotes.stream()
                .flatMap(r -> java.util.Arrays.stream(RemoteReport.State.values()).map(st -> MultiGauge.Row.of(
                        Tags.of("remote", r.remote(), "state", st.label()), r.state() == st ? 1 : 0)))
                .toList(), true);
        remoteHead.register(remotes.stream().filter(r -> r.head() != null)
                .map(r -> MultiGauge.Row.of(Tags.of("remote", r.remote(), "commit", r.head()), 1)).toList(), true);
        remoteLastFetch.register(remotes.stream()
                .map(r -> MultiGauge.Row.of(Tags.of("remote", r.remote()), seconds(r.lastFetch()))).toList(), true);
        return registry.scrape();
    }

    private void gauge(String name, String unit, String help, ToDoubleFunction<AgentStatus> value) {
        Gauge.builder(name, status, value).baseUnit(unit).description(help).strongReference(true).register(registry);
    }

    private void counter(String name, String help, Tags tags, ToDoubleFunction<AgentStatus> value) {
        FunctionCounter.builder(name, status, value).description(help).tags(tags).register(registry);
    }

    private static double seconds(Instant t) {
        return t == null ? 0 : t.toEpochMilli() / 1000.0;
    }
}
