package dev.trustcontracts.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each simulated agent first saw each change of main. Every sighting of any commit is kept (an agent may
 * see a change's commit before the API call that made it has returned), and a change counts as seen by an
 * agent at its first sighting of that change's commit or of any later change's commit (a later commit
 * descends from it, so an agent that skipped one has still seen it). Thread-safe: agents report from fetch
 * and watch threads.
 */
final class Propagation {
    /** One change: its commit and when it was made (System.nanoTime just before the API call). */
    private record Change(String commit, long madeAt) {
    }

    private final int agents;
    private final List<Change> changes = new ArrayList<>();
    private final Map<String, long[]> firstSighting = new HashMap<>();

    Propagation(int agents) {
        this.agents = agents;
    }

    /** A new main commit, made at {@code madeAt}. */
    synchronized void changed(String commit, long madeAt) {
        changes.add(new Change(commit, madeAt));
    }

    /** Agent {@code agent} has (or was told of) main at {@code commit} at {@code now}. */
    synchronized void saw(int agent, String commit, long now) {
        long[] seen = firstSighting.computeIfAbsent(commit, c -> {
            long[] a = new long[agents];
            Arrays.fill(a, -1);
            return a;
        });
        if (seen[agent] < 0) {
            seen[agent] = now;
        }
    }

    synchronized int changes() {
        return changes.size();
    }

    synchronized String commit(int i) {
        return changes.get(i).commit;
    }

    /** Per agent, when it first saw change {@code i} or a later one (-1: not yet). */
    private long[] seenAt(int i) {
        long[] out = new long[agents];
        Arrays.fill(out, -1);
        for (int j = i; j < changes.size(); j++) {
            long[] s = firstSighting.get(changes.get(j).commit);
            if (s == null) {
                continue;
            }
            for (int a = 0; a < agents; a++) {
                if (s[a] >= 0 && (out[a] < 0 || s[a] < out[a])) {
                    out[a] = s[a];
                }
            }
        }
        return out;
    }

    /** How many agents have seen change {@code i}. */
    synchronized int seenBy(int i) {
        return (int) Arrays.stream(seenAt(i)).filter(t -> t >= 0).count();
    }

    /** Milliseconds from change {@code i} to each agent that saw it, sorted. */
    synchronized double[] latenciesMs(int i) {
        long made = changes.get(i).madeAt;
        return Arrays.stream(seenAt(i)).filter(t -> t >= 0).mapToDouble(t -> Math.max(0, t - made) / 1e6)
                .sorted().toArray();
    }

    /** All changes' latencies together, sorted. */
    synchronized double[] allLatenciesMs() {
        List<double[]> parts = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            parts.add(latenciesMs(i));
        }
        return parts.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    }
}
