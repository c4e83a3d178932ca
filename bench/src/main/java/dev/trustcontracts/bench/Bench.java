package dev.trustcontracts.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Entry point of ./benchmark: runs one named benchmark and prints its figures. */
public final class Bench {
    /** A benchmark: takes its own arguments, prints a result table. */
    @FunctionalInterface
    public interface Benchmark {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Benchmark> BENCHMARKS = new TreeMap<>(Map.of(
            "verify", VerifyBench::run,
            "push-validation", PushValidationBench::run,
            "get-certificates", GetCertificatesBench::run,
            "fetch", FetchBench::run,
            "rss", RssBench::run,
            "agent-cycle", AgentCycleBench::run,
            "agent-derive", AgentDeriveBench::run,
            "agent-rss", AgentRssBench::run,
            "agent-propagation", AgentPropagationBench::run,
            "abuse", AbuseBench::run));

    static {
        BENCHMARKS.put("ui-lists", UiListsBench::run); // Map.of takes at most ten
        BENCHMARKS.put("load", LoadBench::run);
        BENCHMARKS.put("restart", RestartBench::run);
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
            System.err.println("usage: ./benchmark NAME [ARGS]; names: " + String.join(", ", BENCHMARKS.keySet()));
            System.exit(2);
        }
        BENCHMARKS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    }
}
