package dev.trustcontracts.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spiffe_sequence: raised exactly when a domain's content changes, never lowered, remembered across restarts. */
class SpiffeOutputsTest {
    static X509Certificate alice;
    static X509Certificate aliceNext;
    static X509Certificate bob;

    @TempDir
    Path out;

    @BeforeAll
    static void roots() {
        alice = TestZone.create("alice").root;
        aliceNext = TestZone.create("alice").root;
        bob = TestZone.create("bob").root;
    }

    private static long sequenceIn(SpiffeOutputs.Planned p, String td) throws Exception {
        for (OutputWriter.Output o : p.outputs()) {
            if (o.name().equals(OutputLayout.spiffeDomain(td))) {
                Object seq = JSONObjectUtils.parse(new String(o.content(), StandardCharsets.UTF_8)).get("spiffe_sequence");
                assertThat(seq).isEqualTo(p.sequences().get(td).sequence());
                return (Long) seq;
            }
        }
        throw new AssertionError("no file for " + td);
    }

    /** One cycle: plan, write, and remember the state as the agent does (through the state file's bytes). */
    private SpiffeOutputs.Planned cycle(Map<String, List<X509Certificate>> domains, long hint, AgentState[] state)
            throws Exception {
        SpiffeOutputs.Planned p = new SpiffeOutputs(new OutputLayout(out)).plan(domains, hint, state[0].spiffe());
        new OutputWriter(out).write(p.outputs(), p.removals());
        state[0] = AgentStateStore.parse(AgentStateStore.serialize(state[0].withSpiffe(p.sequences())));
        return p;
    }

    @Test
    void theSequenceMovesOnlyWithTheContentAndNeverBack() throws Exception {
        AgentState[] state = {AgentState.empty()};
        SpiffeOutputs.Planned p = cycle(Map.of("alice.mesh.test", List.of(alice), "bob.mesh.test", List.of(bob)), 30,
                state);
        assertThat(sequenceIn(p, "alice.mesh.test")).isEqualTo(1);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(1);
        assertThat(p.outputs()).extracting(OutputWriter.Output::name).containsExactly("spiffe/alice.mesh.test.json",
                "spiffe/bob.mesh.test.json", OutputLayout.SPIFFE_BUNDLE_MAP);

        // nothing changed: same sequences, nothing to write
        p = cycle(Map.of("alice.mesh.test", List.of(alice), "bob.mesh.test", List.of(bob)), 30, state);
        assertThat(sequenceIn(p, "alice.mesh.test")).isEqualTo(1);
        assertThat(new OutputWriter(out).differing(p.outputs())).isEmpty();

        // alice starts a rotation: only alice's sequence moves
        p = cycle(Map.of("alice.mesh.test", List.of(alice, aliceNext), "bob.mesh.test", List.of(bob)), 30, state);
        assertThat(sequenceIn(p, "alice.mesh.test")).isEqualTo(2);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(1);

        // a new interval is a new refresh hint: new content for every domain
        p = cycle(Map.of("alice.mesh.test", List.of(alice, aliceNext), "bob.mesh.test", List.of(bob)), 60, state);
        assertThat(sequenceIn(p, "alice.mesh.test")).isEqualTo(3);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(2);

        // bob is revoked: its file goes, its sequence is remembered
        p = cycle(Map.of("alice.mesh.test", List.of(alice, aliceNext)), 60, state);
        assertThat(p.removals()).containsExactly("spiffe/bob.mesh.test.json");
        assertThat(out.resolve("spiffe/bob.mesh.test.json")).doesNotExist();
        assertThat(state[0].spiffe().get("bob.mesh.test")).isEqualTo(new AgentState.SpiffeSequence(2, null));

        // bob comes back with the very same root: above what consumers saw, never 1 again
        p = cycle(Map.of("alice.mesh.test", List.of(alice, aliceNext), "bob.mesh.test", List.of(bob)), 60, state);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(3);
        assertThat(sequenceIn(p, "alice.mesh.test")).isEqualTo(3);
    }

    @Test
    void aLostStateFileDoesNotTakeTheSequenceBelowTheFileOnDisk() throws Exception {
        AgentState[] state = {AgentState.empty()};
        for (int i = 0; i < 3; i++) {
            cycle(Map.of("bob.mesh.test", List.of(i % 2 == 0 ? bob : alice)), 30, state);
        }
        assertThat(state[0].spiffe().get("bob.mesh.test").sequence()).isEqualTo(3);
        AgentState[] fresh = {AgentState.empty()};
        SpiffeOutputs.Planned p = cycle(Map.of("bob.mesh.test", List.of(bob)), 30, fresh);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(4);
    }

    @Test
    void aStateFileRestoredFromAnOlderBackupDoesNotTakeTheSequenceBack() throws Exception {
        AgentState[] state = {AgentState.empty()};
        cycle(Map.of("bob.mesh.test", List.of(bob)), 30, state);
        AgentState backup = state[0];
        cycle(Map.of("bob.mesh.test", List.of(alice)), 30, state);
        cycle(Map.of("bob.mesh.test", List.of(bob)), 30, state);
        assertThat(state[0].spiffe().get("bob.mesh.test").sequence()).isEqualTo(3);
        // the backup remembers bob's root at sequence 1: the same content, but consumers saw 3
        AgentState[] restored = {backup};
        SpiffeOutputs.Planned p = cycle(Map.of("bob.mesh.test", List.of(bob)), 30, restored);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(4);
        // and from then on it stays
        p = cycle(Map.of("bob.mesh.test", List.of(bob)), 30, restored);
        assertThat(sequenceIn(p, "bob.mesh.test")).isEqualTo(4);
    }

    @Test
    void onlyFilesTheAgentWritesAreEverRemoved() throws Exception {
        Path dir = out.resolve(OutputLayout.SPIFFE_DIR);
        Files.createDirectories(dir);
        for (String f : List.of("old.example.json", "bundles.json", "README.md", "Operator.json", "keep.example.json")) {
            Files.writeString(dir.resolve(f), "{}");
        }
        assertThat(new SpiffeOutputs(new OutputLayout(out)).stale(Set.of("spiffe/keep.example.json")))
                .containsExactly("spiffe/bundles.json", "spiffe/old.example.json");
    }
}
