package dev.trustcontracts.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and serialises the state file (JSON). A missing file is a first start; an unreadable one is an
 * error the operator must look at, never silently replaced: it holds the rollback and replay memory.
 */
public final class AgentStateStore {
    public static final String FILE_NAME = "agent-state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final Path file;

    public AgentStateStore(Path outDir) {
        this.file = outDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public AgentState load() throws SyncException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return AgentState.empty();
        } catch (IOException e) {
            throw new SyncException(FailureKind.STATE, "cannot read the state file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SyncException(FailureKind.STATE, "the state file " + file + " is unreadable (" + e.getMessage()
                    + "); it holds the rollback and replay memory, so the agent will not guess: restore it, or "
                    + "move it away to start afresh", e);
        }
    }

    static AgentState parse(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != AgentState.VERSION) {
            throw new IOException("unsupported state version " + root.path("version"));
        }
        TreeMap<String, AgentState.Revoked> revoked = new TreeMap<>();
        JsonNode r = root.path("revoked");
        if (!r.isMissingNode() && !r.isNull()) {
            if (!r.isObject()) {
                throw new IOException("revoked: expected an object of id -> details");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                revoked.put(e.getKey(), new AgentState.Revoked(text(v, "name"), instant(v, "not_after"),
                        text(v, "commit")));
            }
        }
        List<String> pending = new ArrayList<>();
        root.path("pending_hook").forEach(n -> pending.add(n.asText()));
        return new AgentState(text(root, "remote"), text(root, "applied_commit"), instant(root, "applied_at"),
                instant(root, "last_success"), revoked, digest(root.path("keystore")),
                digest(root.path("truststore")), pending);
    }

    public static byte[] serialize(AgentState s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", AgentState.VERSION);
        put(root, "remote", s.remote());
        put(root, "applied_commit", s.appliedCommit());
        put(root, "applied_at", s.appliedAt());
        put(root, "last_success", s.lastSuccess());
        ObjectNode revoked = root.putObject("revoked");
        s.revoked().forEach((id, v) -> {
            ObjectNode n = revoked.putObject(id);
            put(n, "name", v.name());
            put(n, "not_after", v.notAfter());
            put(n, "commit", v.commit());
        });
        putDigest(root, "keystore", s.keystore());
        putDigest(root, "truststore", s.truststore());
        ArrayNode pending = root.putArray("pending_hook");
        s.pendingHook().forEach(pending::add);
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(ObjectNode n, String field, Object v) {
        if (v != null) {
            n.put(field, v.toString());
        }
    }

    private static void putDigest(ObjectNode root, String field, AgentState.StoreDigest d) {
        if (d != null) {
            ObjectNode n = root.putObject(field);
            n.put("input", d.input());
            n.put("file", d.file());
        }
    }

    private static AgentState.StoreDigest digest(JsonNode n) {
        if (!n.isObject()) {
            return null;
        }
        return new AgentState.StoreDigest(text(n, "input"), text(n, "file"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode n, String field) throws IOException {
        String t = text(n, field);
        try {
            return t == null ? null : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IOException(field + ": not an instant: " + t);
        }
    }
}
