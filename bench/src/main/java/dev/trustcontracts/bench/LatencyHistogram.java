package dev.trustcontracts.bench;

/** Latencies in microseconds, 1 us buckets up to 1 s (the last bucket holds the rest); one per thread, then merged. */
final class LatencyHistogram {
    private static final int BUCKETS = 1_000_000;
    private final int[] counts = new int[BUCKETS + 1];
    private long total;

    void record(long nanos) {
        int us = (int) Math.min(BUCKETS, nanos / 1000);
        counts[us]++;
        total++;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    long total() {
        return total;
    }

    /** The latency in milliseconds below which {@code p} percent of the samples fall. */
    double percentileMs(double p) {
        long rank = (long) Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && seen > 0) {
                return i / 1000.0;
            }
        }
        return 0;
    }
}
