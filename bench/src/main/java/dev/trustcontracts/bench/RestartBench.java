package dev.trustcontracts.bench;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.testing.PkiZone;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;

/**
 * How long a repo-server and an agent take to start again over N contracts, without and with the verification
 * cache ({@link VerificationStore}). Each start is a child JVM with the flags {@code ./trustctl} gives that
 * daemon: the server until it is ready (index loaded, ports open), the agent until its first cycle has
 * succeeded, timed from the JVM's start and for the start or cycle alone. "Cold" is a restart with the cache deleted (what every restart cost before the
 * cache); "warm" restarts with the cache the previous start wrote.
 *
 * <p>Arguments: {@code [contracts=10000] [server|agent|both] [warm restarts=3] [cold restarts=2]}.
 */
final class RestartBench {
    static final List<String> SERVER_FLAGS = List.of("-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto");
    static final List<String> AGENT_FLAGS = List.of("-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto", "-Xms8m",
            "-Xmx128m", "-XX:MaxNewSize=4m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=5",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m",
            "-Dsun.reflect.inflationThreshold=2147483647");

    /**
     * The agent's flags, with {@code -Dbench.agentFlags="..."} (space-separated) appended: later flags win, so a
     * flag of bin/trustctl can be tried with another value without editing either.
     */
    static List<String> agentFlags() {
        String extra = System.getProperty("bench.agentFlags", "").trim();
        if (extra.isEmpty()) {
            return AGENT_FLAGS;
        }
        List<String> out = new ArrayList<>(AGENT_FLAGS);
        out.addAll(List.of(extra.split("\\s+")));
        return List.copyOf(out);
    }

    private RestartBench() {
    }

    static void run(String[] args) throws Exception {
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String which = args.length > 1 ? args[1] : "both";
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int cold = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        if (!which.equals("agent")) {
            server(contracts, warm, cold);
        }
        if (!which.equals("server")) {
            agent(contracts, warm, cold);
        }
    }

    private static void server(int contracts, int warm, int cold) throws Exception {
        Path dir = Files.createTempDirectory("bench-restart-server");
        try {
            long g0 = System.nanoTime();
            new BenchRepos(40).populate(dir, contracts);
            System.out.printf("restart, repo-server: %d contracts, 40 zones (setup %.1f s), flags %s%n", contracts,
                    (System.nanoTime() - g0) / 1e9, String.join(" ", SERVER_FLAGS));
            List<String> childArgs = List.of("server", dir.toString());
            for (int i = 0; i < cold; i++) {
                deleteCache(dir);
                System.out.printf("  cold (no cache):   %s%n", child(SERVER_FLAGS, childArgs, "ready"));
            }
            for (int i = 0; i < warm; i++) {
                System.out.printf("  warm (cache):      %s%n", child(SERVER_FLAGS, childArgs, "ready"));
            }
            // the fixed part: the same start over a repository without contracts
            Path empty = dir.resolve("empty");
            child(SERVER_FLAGS, List.of("server", empty.toString()), "ready");
            System.out.printf("  no contracts:      %s%n", child(SERVER_FLAGS, List.of("server", empty.toString()),
                    "ready"));
            System.out.printf("  cache file: %d KiB%n", Files.size(dir.resolve(VerificationStore.FILE)) / 1024);
        } finally {
            AgentBenchSupport.deleteTree(dir);
        }
    }

    private static void agent(int contracts, int warm, int cold) throws Exception {
        Path tmp = Files.createTempDirectory("bench-restart-agent");
        try (PkiZone pki = PkiZone.start(tmp.resolve("ca"), "alice")) {
            long g0 = System.nanoTime();
            Path bare = AgentBenchSupport.agentRepository(pki, contracts, tmp.resolve("repos/contracts.git"));
            new ProcessBuilder("git", "-C", bare.toString(), "gc", "-q").inheritIO().start().waitFor();
            System.out.printf("restart, agent: %d contracts (%d involve the agent's zone), remote file:// (setup %.1f s), "
                    + "flags %s%n", contracts, (contracts + 4) / 5, (System.nanoTime() - g0) / 1e9,
                    String.join(" ", agentFlags()));
            Path out = tmp.resolve("out");
            Path work = new OutputLayout(out).workDir();
            List<String> childArgs = List.of("agent", bare.toUri().toString(), pki.target(), pki.ca.fingerprint(), out.toString());
            System.out.printf("  first start (clone, certificate, every file written): %s%n", child(agentFlags(), childArgs, "first cycle done"));
            for (int i = 0; i < cold; i++) {
                deleteCache(work);
                System.out.printf("  cold (no cache):   %s%n", child(agentFlags(), childArgs, "first cycle done"));
            }
            for (int i = 0; i < warm; i++) {
                System.out.printf("  warm (cache):      %s%n", child(agentFlags(), childArgs, "first cycle done"));
            }
            // the fixed part: the same restart over a repository without contracts
            Path emptyBare = tmp.resolve("repos/empty.git");
            try (Repository repo = AgentBenchSupport.createBare(emptyBare)) {
                AgentBenchSupport.commit(repo, Map.of(), List.of(), "no contracts");
            }
            List<String> emptyArgs = List.of("agent", emptyBare.toUri().toString(), pki.target(), pki.ca.fingerprint(),
                    tmp.resolve("out-empty").toString());
            child(agentFlags(), emptyArgs, "first cycle done");
            System.out.printf("  no contracts:      %s%n", child(agentFlags(), emptyArgs, "first cycle done"));
            System.out.printf("  cache file: %d KiB%n", Files.size(work.resolve(VerificationStore.FILE)) / 1024);
        } finally {
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    private static void deleteCache(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(VerificationStore.FILE));
    }

    /** Runs one start in a child JVM; returns its timing line. */
    private static String child(List<String> flags, List<String> args, String what) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RestartBench.class.getName());
        cmd.addAll(args);
        String loadBefore = loadAverage();
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        String line;
        String result = null;
        String detail = "";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            while ((line = in.readLine()) != null) {
                if (line.startsWith("DONE ")) {
                    result = line;
                } else if (line.startsWith("CPU main thread")) {
                    detail = line;
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the child failed: " + result);
        }
        String[] f = result.split(" ");
        return String.format("%s %5.2f s after the JVM started (of which the start or cycle %5.2f s), "
                + "process CPU %5.2f s; launch to exit %5.2f s (wall); load average %s before, %s after%n      (%s)",
                what, Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), wall, loadBefore,
                loadAverage(), detail);
    }

    /** The 1-minute load average (a wall time on a busy 2-core machine is mostly waiting for a core). */
    private static String loadAverage() {
        return String.format("%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * The child: {@code server DATA} starts a repo-server until it is ready; {@code agent REMOTE PKI PIN OUT}
     * starts an agent and runs one cycle. Prints {@code DONE <since JVM start> <start or cycle> <process CPU>}
     * in seconds.
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("populate")) {
            // kept for profiling one start by hand: populate DATA N, then run the child "server DATA" under JFR
            new BenchRepos(40).populate(Path.of(args[1]), Integer.parseInt(args[2]));
            System.exit(0);
        }
        if (args[0].equals("server")) {
            long t0 = System.nanoTime();
            try (RepoServer server = RepoServer.start(RepoServerConfig.ephemeral(Path.of(args[1])))) {
                double start = (System.nanoTime() - t0) / 1e9;
                double sinceStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
                System.out.printf("DONE %.3f %.3f %.3f%n", sinceStart, start, AgentBenchSupport.processCpuNanos() / 1e9);
                System.out.println(whereCpuWent());
                System.out.flush();
            }
            System.exit(0);
        }
        AgentConfig cfg = AgentConfig.builder(args[1], args[2], Path.of(args[4]))
                .channels(ChannelOptions.builder().pkiFingerprint(args[3]).build()).build();
        try (Agent agent = new Agent(cfg)) {
            long t0 = System.nanoTime();
            CycleResult r = agent.runOnce();
            double cycle = (System.nanoTime() - t0) / 1e9;
            double sinceStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
            if (!r.ok()) {
                System.out.println("FAILED " + r);
                System.exit(1);
            }
            System.out.printf("DONE %.3f %.3f %.3f%n", sinceStart, cycle, AgentBenchSupport.processCpuNanos() / 1e9);
            System.out.println(whereCpuWent());
            System.out.flush();
        }
        System.exit(0);
    }

    /**
     * Where the child's CPU went, for the bench's report: the main thread, the JIT compilers, the collector and
     * the rest (the parent prints only DONE; run the child by hand to see this line).
     */
    private static String whereCpuWent() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double main = threads.getCurrentThreadCpuTime() / 1e9;
        long gcMillis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
                .getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        String head = String.format("CPU main thread %.2f s; JIT compiling %.2f s (wall, all compiler threads); GC pauses"
                + " %.2f s; classes loaded %d", main, jit.getTotalCompilationTime() / 1e3, gcMillis / 1e3,
                java.lang.management.ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.gc(); // after the timing: what the started daemon holds
        return head + String.format("; heap in use after a full GC %d MiB",
                java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
    }
}
