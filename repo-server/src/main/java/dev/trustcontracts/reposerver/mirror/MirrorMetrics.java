package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.reposerver.ServerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The mirror's own series ({@code trustctl_server_mirror_*}, docs/repo-server.md, "Mirror metrics"),
 * registered only on a mirror, every known label set from the start at 0.
 */
final class MirrorMetrics {
    static final List<String> RESULTS = List.of("updated", "unchanged", "refused", "failed");

    private final MeterRegistry registry;

    MirrorMetrics(ServerMetrics metrics, MirrorStatus status) {
        this.registry = metrics.registry();
        RESULTS.forEach(this::fetches);
        Gauge.builder("trustctl.server.mirror.last.success.timestamp", status,
                        s -> s.lastSuccess() == null ? 0 : s.lastSuccess().toEpochMilli() / 1000.0)
                .baseUnit("seconds").description("When the mirror last reached its primary and took its main (0: not "
                        + "since start)").register(registry);
        Gauge.builder("trustctl.server.mirror.primary.reachable", status,
                        s -> s.state() == MirrorStatus.State.UNREACHABLE || s.state() == MirrorStatus.State.STARTING
                                ? 0 : 1)
                .description("1 when the last fetch reached the primary").register(registry);
        Gauge.builder("trustctl.server.mirror.refusing", status,
                        s -> s.state() == MirrorStatus.State.REFUSING ? 1 : 0)
                .description("1 when the primary's main was refused (rewound, rewritten or bad objects)")
                .register(registry);
        Gauge.builder("trustctl.server.mirror.watch.connected", status, s -> s.watchConnected() ? 1 : 0)
                .description("1 while the primary's watch stream is open").register(registry);
    }

    void fetched(String result) {
        fetches(result).increment();
    }

    private Counter fetches(String result) {
        return Counter.builder("trustctl.server.mirror.fetches")
                .description("Fetches from the primary, by result").tag("result", result).register(registry);
    }
}
