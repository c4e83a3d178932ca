package dev.trustcontracts.reposerver.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.reposerver.Audit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The audit logger written to a file with logback's JsonEncoder, as the launcher's --audit-log does, and the
 * file read back with Jackson: one JSON object per line.
 */
public final class AuditFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public final Path file;
    private final FileAppender<ILoggingEvent> appender;

    /** One event: the line's top-level fields and its key-value pairs. */
    public record Event(JsonNode line, Map<String, String> kv) {
        public String get(String key) {
            return kv.getOrDefault(key, "");
        }
    }

    public AuditFile(Path file) {
        this.file = file;
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.setWithSequenceNumber(false);
        encoder.setWithArguments(false);
        encoder.start();
        appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("audit-test-" + file);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        Logger audit = ctx.getLogger(Audit.LOGGER);
        audit.addAppender(appender);
    }

    public List<Event> events() throws IOException {
        List<Event> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = JSON.readTree(line);
            Map<String, String> kv = new LinkedHashMap<>();
            // logback writes the pairs as "kvpList": [{"key": "value"}, ...]
            for (JsonNode pair : n.path("kvpList")) {
                pair.fields().forEachRemaining(e -> kv.put(e.getKey(), e.getValue().asText()));
            }
            out.add(new Event(n, kv));
        }
        return out;
    }

    public List<Event> events(String event) throws IOException {
        return events().stream().filter(e -> e.get("event").equals(event)).toList();
    }

    @Override
    public void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Audit.LOGGER).detachAppender(appender);
        appender.stop();
    }
}
