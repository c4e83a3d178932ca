package dev.trustcontracts.reposerver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The server's Prometheus metrics: pushes by outcome and rule, validation time, contracts, watchers. */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

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
        Timer.builder("trustcontracts.validation")
                .description("Time to validate the tree a push or an API commit would produce")
                .tag("target", target)
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(took);
    }

    public void merge(String outcome) {
        Counter.builder("trustcontracts.merges").description("Proposal merges through the API")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void revocation(String outcome) {
        Counter.builder("trustcontracts.revocations").description("Contract deletions through the API")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void loginFailed() {
        Counter.builder("trustcontracts.logins.failed").description("HTTP Basic logins refused")
                .register(registry).increment();
    }

    /** A Git request answered 503 because all Git slots (scope server) or the client's share (client) were taken. */
    public void gitBusy(String scope) {
        Counter.builder("trustcontracts.git.busy").description("Git requests refused with 503: too many at once")
                .tag("scope", scope).register(registry).increment();
    }

    /** A Git request cut off because its client sent or read too slowly. */
    public void gitTooSlow() {
        Counter.builder("trustcontracts.git.too_slow").description("Git requests cut off below the minimum data rate")
                .register(registry).increment();
    }

    /** A login answered before any password check: throttled (429), busy (429) or malformed (400). */
    public void loginRefused(String reason) {
        Counter.builder("trustcontracts.logins.refused")
                .description("Logins answered without a password check, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private Counter counter(String result, String target, String rule) {
        return Counter.builder("trustcontracts.pushes")
                .description("Ref updates received, by result and by the rule that rejected them")
                .tag("result", result)
                .tag("target", target)
                .tag("rule", rule)
                .register(registry);
    }
}
