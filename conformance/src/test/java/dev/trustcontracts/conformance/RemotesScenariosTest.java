package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.status.RemoteReport;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several remotes (docs/SECURITY.md, "Several remotes"): an agent reads the real repo-server and a hostile
 * host; whatever the hostile one serves, one honest remote is enough for a revocation to be applied.
 */
class RemotesScenariosTest extends ConformanceScenario {

    @Test
    @DisplayName("One honest remote is enough: a hostile host's fork that withholds a revocation and adds "
            + "commits does not hide it, and the disagreement is named")
    void oneHonestRemoteIsEnough() throws Exception {
        Contract aliceCarol = cast.aliceCarol("alice-carol");
        admin.contract(aliceCarol).commit("alice trusts carol");
        String base = admin.pushMain();
        HostileHost host = stage.hostile();
        // the hostile host is listed first, as a malicious primary would be
        MutableClock clock = new MutableClock();
        ZoneAgent both = stage.agent(cast.alice, List.of(host.url(), stage.gitUrl()), "alice-two-remotes", clock,
                null);
        synced(both);
        assertThat(both.chain()).contains(Cast.hash(cast.carol));
        assertVictimTrustedBy(both);

        // the admins revoke alice-carol on the server; the host forks from before it and keeps looking busy
        admin.remove("contracts/alice-carol.yaml").commit("revoke alice-carol");
        String revocation = admin.pushMain();
        Clone mallory = stage.clone("mallory");
        mallory.ok("reset", "-q", "--hard", base);
        mallory.write("README.md", "busy fork\n").commit("looks active");
        mallory.write("NOTES.md", "more\n").commit("and more");
        mallory.pushTo(host.pushPath(), "HEAD:refs/heads/main");

        CycleResult r = synced(both);
        assertThat(both.chain()).as("the revocation only the server shows is honoured (chain.pem read by OpenSSL)")
                .doesNotContain(Cast.hash(cast.carol)).contains(Cast.hash(cast.alice), Cast.hash(cast.bob));
        assertThat(new AgentStateStore(both.out).load().revoked()).containsKey(aliceCarol.getBody().getId());
        assertThat(r.commit()).as("only what both remotes hold is applied").isEqualTo(base);
        assertThat(both.agent.status().remotes()).extracting(RemoteReport::state)
                .containsExactly(RemoteReport.State.DIVERGED, RemoteReport.State.DIVERGED);
        assertThat(both.agent.status().remotesDisagree()).contains(host.url(), stage.gitUrl(), revocation);
        assertThat(both.agent.status().problems(clock.instant(), Duration.ofDays(1), Duration.ZERO))
                .anySatisfy(p -> assertThat(p).startsWith("remotes disagree: ").contains(host.url()));

        // the fork does not make a fresh agent trust the revoked peer either, whatever the order of the remotes
        ZoneAgent fresh = stage.agent(cast.alice, List.of(stage.gitUrl(), host.url()), "alice-fresh", clock, null);
        synced(fresh);
        assertThat(fresh.chain()).doesNotContain(Cast.hash(cast.carol));
        assertVictimTrustedBy(fresh, both);
        assertVictimIntact();
    }
}
