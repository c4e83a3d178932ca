package dev.trustcontracts.agent.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and serialises the state file (JSON). A missing file is a first start; an unreadable one is an
 * error the operator must look at, never silently replaced: it holds the rollback and replay memory.
 */
public final class AgentStateStore {
    /** Strict: a duplicate key or content after the object is an error, not a guess; whole numbers are longs. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path file;

    public AgentStateStore(Path outDir) {
        this.file = new OutputLayout(outDir).state();
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

    public static AgentState parse(byte[] bytes) throws IOException {
        if (!(read(bytes) instanceof Map<?, ?> root)) {
            throw new IOException("not a JSON object");
        }
        Object version = root.get("version");
        if (!(version instanceof Long ver) || ver != AgentState.VERSION) {
            throw new IOException("unsupported state version " + version);
        }
        TreeMap<String, AgentState.Revoked> revoked = new TreeMap<>();
        Object r = root.get("revoked");
        if (r != null) {
            if (!(r instanceof Map<?, ?> rm)) {
                throw new IOException("revoked: expected an object of id -> details");
            }
            for (Map.Entry<?, ?> e : rm.entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> v)) {
                    throw new IOException("revoked." + e.getKey() + ": expected an object");
                }
                revoked.put(e.getKey().toString(), new AgentState.Revoked(text(v, "name"), instant(v, "not_after"),
                        text(v, "commit")));
            }
        }
        List<String> pending = new ArrayList<>();
        if (root.get("pending_hook") instanceof List<?> l) {
            l.forEach(o -> pending.add(String.valueOf(o)));
        }
        return new AgentState(text(root, "remote"), text(root, "applied_commit"), instant(root, "applied_at"),
                instant(root, "last_success"), revoked, digest(root.get("keystore")), digest(root.get("truststore")),
                pending, pki(root.get("pki")), spiffe(root.get("spiffe")));
    }

    public static byte[] serialize(AgentState s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", AgentState.VERSION);
        put(root, "remote", s.remote());
        put(root, "applied_commit", s.appliedCommit());
        put(root, "applied_at", s.appliedAt());
        put(root, "last_success", s.lastSuccess());
        Map<String, Object> revoked = new LinkedHashMap<>();
        s.revoked().forEach((id, v) -> {
            Map<String, Object> n = new LinkedHashMap<>();
            put(n, "name", v.name());
            put(n, "not_after", v.notAfter());
            put(n, "commit", v.commit());
            revoked.put(id, n);
        });
        root.put("revoked", revoked);
        putDigest(root, "keystore", s.keystore());
        putDigest(root, "truststore", s.truststore());
        root.put("pending_hook", s.pendingHook());
        if (!s.pki().equals(AgentState.Pki.NONE)) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("roots", s.pki().roots());
            n.put("pins", s.pki().pins());
            n.put("retired", s.pki().retired());
            root.put("pki", n);
        }
        if (!s.spiffe().isEmpty()) {
            Map<String, Object> n = new LinkedHashMap<>();
            s.spiffe().forEach((td, q) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("sequence", q.sequence());
                if (q.digest() != null) {
                    e.put("digest", q.digest());
                }
                n.put(td, e);
            });
            root.put("spiffe", n);
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state as JSON", e);
        }
    }

    /** One JSON value; Jackson's problem in one line, with where it is. */
    private static Object read(byte[] bytes) throws IOException {
        try {
            return JSON.readValue(bytes, Object.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IOException(e.getOriginalMessage().replace('\n', ' ')
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        }
    }

    private static void put(Map<String, Object> n, String field, Object v) {
        if (v != null) {
            n.put(field, v.toString());
        }
    }

    private static void putDigest(Map<String, Object> root, String field, AgentState.StoreDigest d) {
        if (d != null) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("input", d.input());
            n.put("file", d.file());
            root.put(field, n);
        }
    }

    /** The PKI memory; absent in a state file written before root rotation. */
    private static AgentState.Pki pki(Object n) throws IOException {
        if (n == null) {
            return AgentState.Pki.NONE;
        }
        if (!(n instanceof Map<?, ?> m)) {
            throw new IOException("pki: expected an object of roots, pins, retired");
        }
        return new AgentState.Pki(strings(m, "pki.roots"), strings(m, "pki.pins"), strings(m, "pki.retired"));
    }

    /** The spiffe_sequence memory per trust domain; absent in a state file written before SPIFFE bundles. */
    private static TreeMap<String, AgentState.SpiffeSequence> spiffe(Object n) throws IOException {
        TreeMap<String, AgentState.SpiffeSequence> out = new TreeMap<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof Map<?, ?> m)) {
            throw new IOException("spiffe: expected an object of trust domain -> sequence");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> v) || !(v.get("sequence") instanceof Long seq) || seq < 1) {
                throw new IOException("spiffe." + e.getKey() + ": expected an object with a positive sequence");
            }
            out.put(e.getKey().toString(), new AgentState.SpiffeSequence(seq, text(v, "digest")));
        }
        return out;
    }

    private static List<String> strings(Map<?, ?> m, String path) throws IOException {
        Object v = m.get(path.substring(path.indexOf('.') + 1));
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) {
            throw new IOException(path + ": expected a list of strings");
        }
        return l.stream().map(String.class::cast).toList();
    }

    private static AgentState.StoreDigest digest(Object n) {
        if (!(n instanceof Map<?, ?> m)) {
            return null;
        }
        return new AgentState.StoreDigest(text(m, "input"), text(m, "file"));
    }

    private static String text(Map<?, ?> n, String field) {
        Object v = n.get(field);
        return v == null ? null : v.toString();
    }

    private static Instant instant(Map<?, ?> n, String field) throws IOException {
        String t = text(n, field);
        try {
            return t == null ? null : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IOException(field + ": not an instant: " + t);
        }
    }
}
