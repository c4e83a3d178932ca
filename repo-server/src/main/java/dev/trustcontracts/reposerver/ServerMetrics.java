package dev.trustcontracts.reposerver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.trustcontracts.reposerver.index.Ending;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics: pushes by outcome and rule, validation time, contracts, watchers, Git and
 * login limits. Every name starts {@code trustctl.server.} (exposed as {@code trustctl_server_...}, counters with
 * {@code _total}, timers in {@code _seconds}); docs/repo-server.md lists them.
 */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** One series per contract and per root on main, set at each scrape from the index. */
    private final MultiGauge contractExpiry = MultiGauge.builder("trustctl.server.contract.effective.expiry.timestamp")
            .baseUnit("seconds").description("Effective expiry of each valid contract on main").register(registry);
    private final MultiGauge rootExpiry = MultiGauge.builder("trustctl.server.root.not.after.timestamp")
            .baseUnit("seconds").description("notAfter of each root (current and next) listed by a valid contract")
            .register(registry);
    private volatile Supplier<List<Ending>> endings = List::of;

    /**
     * Every series whose labels are known in advance exists from the start at 0, so that the first event is
     * seen by {@code rate()} and an alert on it (Prometheus' advice: avoid missing series).
     */
    public ServerMetrics() {
        for (String target : List.of("main", "proposal")) {
            counter("accepted", target, "none");
            validationTimer(target);
        }
        List.of("merged", "refused").forEach(this::mergeCounter);
        List.of("revoked", "refused").forEach(this::revocationCounter);
        List.of("server", "client").forEach(this::gitBusyCounter);
        List.of("throttled", "busy", "malformed").forEach(this::loginRefusedCounter);
        loginFailedCounter();
        gitTooSlowCounter();
    }

    public void pushAccepted(String target) {
        counter("accepted", target, "none").increment();
    }

    /** One increment per distinct rule that a rejected push broke. */
    public void pushRejected(String target, Collection<String> rules) {
        for (String rule : new TreeSet<>(rules)) {
            counter("rejected", target, rule).increment();
        }
    }

    public void validation(String target, Duration took) {
        validationTimer(target).record(took);
    }

    public void merge(String outcome) {
        mergeCounter(outcome).increment();
    }

    public void revocation(String outcome) {
        revocationCounter(outcome).increment();
    }

    public void loginFailed() {
        loginFailedCounter().increment();
    }

    /** A Git request answered 503 because all Git slots (scope server) or the client's share (client) were taken. */
    public void gitBusy(String scope) {
        gitBusyCounter(scope).increment();
    }

    /** A Git request cut off because its client sent or read too slowly. */
    public void gitTooSlow() {
        gitTooSlowCounter().increment();
    }

    /** A login answered before any password check: throttled (429), busy (429) or malformed (400). */
    public void loginRefused(String reason) {
        loginRefusedCounter(reason).increment();
    }

    private Timer validationTimer(String target) {
        return Timer.builder("trustctl.server.validation")
                .description("Time to validate the tree a push or an API commit would produce")
                .tag("target", target)
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    private Counter mergeCounter(String outcome) {
        return Counter.builder("trustctl.server.merges").description("Proposal merges through the API")
                .tag("outcome", outcome).register(registry);
    }

    private Counter revocationCounter(String outcome) {
        return Counter.builder("trustctl.server.revocations").description("Contract deletions through the API")
                .tag("outcome", outcome).register(registry);
    }

    private Counter loginFailedCounter() {
        return Counter.builder("trustctl.server.logins.failed").description("HTTP Basic logins refused")
                .register(registry);
    }

    private Counter gitBusyCounter(String scope) {
        return Counter.builder("trustctl.server.git.busy").description("Git requests refused with 503: too many at once")
                .tag("scope", scope).register(registry);
    }

    private Counter gitTooSlowCounter() {
        return Counter.builder("trustctl.server.git.too_slow")
                .description("Git requests cut off below the minimum data rate")
                .register(registry);
    }

    private Counter loginRefusedCounter(String reason) {
        return Counter.builder("trustctl.server.logins.refused")
                .description("Logins answered without a password check, by reason")
                .tag("reason", reason).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Where the per-contract and per-root expiry series come from (the index's current snapshot). */
    public void endings(Supplier<List<Ending>> source) {
        endings = source;
        Gauge.builder("trustctl.server.earliest.contract.expiry.timestamp", () -> endings.get().stream()
                        .filter(e -> e.kind().equals("contract")).findFirst()
                        .map(e -> e.endsAt().toEpochMilli() / 1000.0).orElse(0.0))
                .baseUnit("seconds").description("The earliest effective expiry of the valid contracts (0: none)")
                .register(registry);
    }

    public synchronized String scrape() {
        List<Ending> now = endings.get();
        // ends as points in time, not "seconds left": the value changes only when main does
        contractExpiry.register(now.stream().filter(e -> e.kind().equals("contract"))
                .map(e -> MultiGauge.Row.of(Tags.of("contract", e.name()), e.endsAt().toEpochMilli() / 1000.0))
                .toList(), true);
        rootExpiry.register(now.stream().filter(e -> e.kind().equals("root"))
                .map(e -> MultiGauge.Row.of(Tags.of("zone", e.name(), "fingerprint", e.fingerprint()),
                        e.endsAt().toEpochMilli() / 1000.0))
                .toList(), true);
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private Counter counter(String result, String target, String rule) {
        return Counter.builder("trustctl.server.pushes")
                .description("Ref updates received, by result and by the rule that rejected them")
                .tag("result", result)
                .tag("target", target)
                .tag("rule", rule)
                .register(registry);
    }
}
