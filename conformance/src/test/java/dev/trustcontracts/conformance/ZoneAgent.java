package dev.trustcontracts.conformance;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FreshnessOptions;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.core.crypto.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A real provider agent of one zone: certificates from the zone's PKI over gRPC, contracts from a Git
 * remote (the repo-server, or a hostile host), outputs in its own directory. Each {@link #sync()} is one
 * full cycle, as {@code trustctl agent --once} runs it.
 */
final class ZoneAgent implements AutoCloseable {
    final PkiZone zone;
    final Path out;
    final Agent agent;

    private ZoneAgent(PkiZone zone, Path out, Agent agent) {
        this.zone = zone;
        this.out = out;
        this.agent = agent;
    }

    static ZoneAgent start(PkiZone zone, String remote, Path out) throws IOException {
        return start(zone, remote, out, Clock.systemUTC());
    }

    static ZoneAgent start(PkiZone zone, String remote, Path out, Clock clock) throws IOException {
        return start(zone, List.of(remote), out, clock, null);
    }

    /** An agent with every {@code --remote} of {@code remotes} and, when not null, {@code --heartbeat-cert} etc. */
    static ZoneAgent start(PkiZone zone, List<String> remotes, Path out, Clock clock, FreshnessOptions freshness)
            throws IOException {
        // the agent pins its own PKI by the zone root's fingerprint, as --pki-fingerprint does
        ChannelOptions pin = ChannelOptions.builder().pkiFingerprint(Fingerprint.of(zone.root())).build();
        AgentConfig.Builder config = AgentConfig.builder(remotes, zone.target(), out).channels(pin)
                .interval(Duration.ofSeconds(30)).networkTimeout(Duration.ofSeconds(30)).clock(clock);
        if (freshness != null) {
            config.freshness(freshness);
        }
        return new ZoneAgent(zone, out, new Agent(config.build()));
    }

    CycleResult sync() {
        return agent.runOnce();
    }

    /** The roots in chain.pem as a TLS stack reads them. */
    Set<String> chain() {
        return ChainFile.fingerprints(new OutputLayout(out).chain());
    }

    @Override
    public void close() {
        agent.close();
    }
}
