package dev.trustcontracts.pki;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Collects the events logged on {@code trustctl.audit} while open, as key-value maps. */
final class AuditEvents implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(PkiAudit.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    AuditEvents() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Every event so far with the given {@code event} key, each as its key-values plus "message". */
    synchronized List<Map<String, String>> of(String event) {
        return List.copyOf(appender.list).stream().map(AuditEvents::values)
                .filter(m -> event.equals(m.get("event"))).toList();
    }

    private static Map<String, String> values(ILoggingEvent e) {
        Map<String, String> m = new LinkedHashMap<>();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(kv -> m.put(kv.key, String.valueOf(kv.value)));
        }
        m.put("message", e.getFormattedMessage());
        return m;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
