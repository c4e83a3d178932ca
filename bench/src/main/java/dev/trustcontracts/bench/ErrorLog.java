package dev.trustcontracts.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Failed polls, fetches, streams and API calls: counted by kind, with the first few reasons kept. */
final class ErrorLog {
    private static final int KEEP = 5;
    private final AtomicLong count = new AtomicLong();
    private final List<String> first = new ArrayList<>();

    void add(String what, Throwable t) {
        add(what + ": " + oneLine(t));
    }

    void add(String reason) {
        count.incrementAndGet();
        synchronized (first) {
            if (first.size() < KEEP) {
                first.add(reason);
            }
        }
    }

    long count() {
        return count.get();
    }

    List<String> first() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && (m == null || !m.contains(cause.getMessage()))) {
            m = m + " (" + cause.getMessage() + ")";
        }
        return t.getClass().getSimpleName() + " " + (m == null ? "" : m.replace('\n', ' '));
    }
}
