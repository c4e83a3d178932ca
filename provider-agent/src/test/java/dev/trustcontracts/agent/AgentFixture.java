package dev.trustcontracts.agent;

import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent tests share, set up for each test: alice's PKI on a real port (TLS, pinned by the agent), a real
 * contract repository served over file://, the agent's output directory, and a clock the test moves forward.
 */
abstract class AgentFixture {
    @TempDir
    Path tmp;
    PkiZone alice;
    ContractRepo repo;
    /** The agent's output directory: its files are named by {@link OutputLayout}. */
    Path out;
    final MutableClock clock = new MutableClock();

    @BeforeEach
    void startZone() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        repo = ContractRepo.create(tmp.resolve("repo"));
        out = tmp.resolve("out");
    }

    @AfterEach
    void stopZone() {
        repo.close();
        alice.close();
    }

    /** Alice's agent: the repository, alice's PKI with its pin, and the output directory. */
    AgentConfig.Builder config() {
        return AgentConfig.builder(repo.url(), alice.target(), out).channels(PkiPins.pin(alice));
    }

    /** The files in the output directory. */
    OutputLayout files() {
        return new OutputLayout(out);
    }
}
