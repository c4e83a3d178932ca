package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's scan and history limits come from its configuration, as the repo-server's do. */
class AgentLimitsTest extends AgentFixture {
    static TestZone bob;

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
    }

    @Test
    void aContractFileLargerThanTheConfiguredLimitIsNotTrusted() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        try (Agent a = new Agent(config().scanLimits(new ScanLimits(1024, 100_000)).build())) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(a.status().invalidFiles()).isEqualTo(1);
            assertThat(Outputs.chain(out)).containsExactly(Fingerprint.of(alice.root()));
        }
        try (Agent a = new Agent(config().build())) {
            assertThat(a.config().scanLimits()).isEqualTo(ScanLimits.DEFAULT);
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(Fingerprint.of(alice.root()), Fingerprint.of(bob.root));
        }
    }

    @Test
    void aHistoryLongerThanTheConfiguredLimitIsNotRead() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        repo.delete("alice-bob");
        try (Agent a = new Agent(config().historyLimits(new HistoryLimits(10_000, 2)).build())) {
            CycleResult r = a.runOnce();
            // refused with one clear line (before: a NullPointerException as an internal failure)
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).isEqualTo(FailureKind.ROLLBACK);
            assertThat(r.commit()).isNull();
            assertThat(r.message()).contains("more than 2 commits between the root and", "(history limit); not read");
            assertThat(out.resolve(OutputLayout.CHAIN)).doesNotExist();
        }
        try (Agent a = new Agent(config().build())) {
            assertThat(a.config().historyLimits()).isEqualTo(HistoryLimits.DEFAULT);
            assertThat(a.runOnce().ok()).isTrue();
        }
    }
}
