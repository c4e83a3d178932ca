package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.agent.OutputLayout;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Freeze and outage (DESIGN threats "freeze" and "repository down"): a host that keeps serving an old
 * state, or none at all. Contracts expire on the agent's own clock; the last good bundle stays in force.
 */
class AvailabilityScenariosTest extends ConformanceScenario {

    @Test
    @DisplayName("Freeze: a host serving a revoked state forever; the contract expires on the agent's clock")
    void freezeEndsAtExpiry() throws Exception {
        // alice-carol, good for one more hour, reaches the host; then the admins revoke it on the server
        admin.contract(cast.alice.contractWith("alice-carol", Duration.ofHours(1), cast.carol)).commit("short");
        admin.pushMain();
        HostileHost host = stage.hostile();
        MutableClock clock = new MutableClock();
        ZoneAgent frozen = stage.agent(cast.alice, host.url(), "alice-frozen", clock);
        synced(frozen);
        assertThat(frozen.chain()).contains(Cast.hash(cast.carol));
        admin.remove("contracts/alice-carol.yaml").commit("revoke alice-carol");
        admin.pushMain();
        synced(aliceAgent);
        assertThat(aliceAgent.chain()).doesNotContain(Cast.hash(cast.carol));
        // the host never shows the revocation; two hours later the contract is over anyway
        clock.advance(Duration.ofHours(2));
        synced(frozen);
        assertThat(frozen.chain()).doesNotContain(Cast.hash(cast.carol));
        assertVictimTrustedBy(frozen);
        // a host that goes silent instead is reported as stale
        host.stop();
        clock.advance(Duration.ofMinutes(5));
        CycleResult r = frozen.sync();
        assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(frozen.agent.status().problems(clock.instant(), Duration.ofMinutes(2), Duration.ZERO))
                .anySatisfy(p -> assertThat(p).startsWith("stale:"));
        assertVictimTrustedBy(frozen);
        assertVictimIntact();
    }

    @Test
    @DisplayName("Repository down: agents keep the last good bundle and recover")
    void repositoryDown() throws Exception {
        HostileHost host = stage.hostile();
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        synced(viaHost);
        String chain = Files.readString(viaHost.out.resolve(OutputLayout.CHAIN));
        String serverChain = Files.readString(aliceAgent.out.resolve(OutputLayout.CHAIN));

        host.stop();
        stage.stopServer();
        for (ZoneAgent a : new ZoneAgent[] {viaHost, aliceAgent}) {
            CycleResult r = a.sync();
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
            assertThat(r.changed()).isEmpty();
        }
        assertThat(Files.readString(viaHost.out.resolve(OutputLayout.CHAIN))).isEqualTo(chain);
        assertThat(Files.readString(aliceAgent.out.resolve(OutputLayout.CHAIN))).isEqualTo(serverChain);
        assertVictimTrustedBy(viaHost, aliceAgent);

        // the host comes back with news: the agent picks it up
        host.restart();
        admin.contract(cast.aliceCarol("alice-carol")).commit("alice trusts carol");
        admin.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        synced(viaHost);
        assertThat(viaHost.chain()).contains(Cast.hash(cast.carol));
        assertVictimTrustedBy(viaHost);
    }
}
