package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateStoreTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryField() throws Exception {
        AgentState s = new AgentState("file:///r.git", "a".repeat(40), Instant.parse("2025-01-02T03:04:05Z"),
                Instant.parse("2025-01-02T03:04:06.5Z"),
                new TreeMap<>(Map.of("0123456789abcdef0123456789abcdef",
                        new AgentState.Revoked("ab", Instant.parse("2026-01-01T00:00:00Z"), "b".repeat(40)))),
                new AgentState.StoreDigest("i1", "f1"), new AgentState.StoreDigest("i2", "f2"), List.of(OutputLayout.CHAIN),
                AgentState.Pki.NONE,
                // a domain still written (with its digest) and one whose file was removed (sequence kept, no digest)
                new TreeMap<>(Map.of("a.example", new AgentState.SpiffeSequence(3, "d".repeat(64)),
                        "b.example", new AgentState.SpiffeSequence(7, null))));
        AgentStateStore store = new AgentStateStore(dir);
        Files.write(store.file(), AgentStateStore.serialize(s));
        assertThat(store.load()).isEqualTo(s);
    }

    @Test
    void aMissingFileIsAFirstStartAnUnreadableOneIsAnError() throws Exception {
        AgentStateStore store = new AgentStateStore(dir);
        assertThat(store.load()).isEqualTo(AgentState.empty());
        Files.writeString(store.file(), "{\"version\": 1, \"revoked\": [");
        assertThatThrownBy(store::load).isInstanceOf(SyncException.class)
                .hasMessageContaining("unreadable").hasMessageContaining("move it away");
        Files.writeString(store.file(), "{\"version\": 7}");
        assertThatThrownBy(store::load).hasMessageContaining("unsupported state version");
    }

    /** The state file is read strictly: no guessing which of two values counts, nothing after the object. */
    @Test
    void aDuplicateKeyOrContentAfterTheObjectMakesTheFileUnreadableInOneLine() throws Exception {
        AgentStateStore store = new AgentStateStore(dir);
        Files.writeString(store.file(), "{\"version\": 1,\n \"applied_commit\": \"a\", \"applied_commit\": \"b\"}");
        assertThatThrownBy(store::load).isInstanceOf(SyncException.class)
                .hasMessageContaining("unreadable (Duplicate field 'applied_commit' at line 2, column")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.writeString(store.file(), "{\"version\": 1} {}");
        assertThatThrownBy(store::load).isInstanceOf(SyncException.class).hasMessageContaining("unreadable")
                .hasMessageContaining("Trailing token");
        Files.writeString(store.file(), "");
        assertThatThrownBy(store::load).isInstanceOf(SyncException.class).hasMessageContaining("unreadable");
        Files.writeString(store.file(), "[1]");
        assertThatThrownBy(store::load).hasMessageContaining("not a JSON object");
    }
}
