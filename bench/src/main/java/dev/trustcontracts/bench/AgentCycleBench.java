package dev.trustcontracts.bench;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.testing.PkiZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and wall time of one no-change agent cycle: the agent fetches main (nothing new), re-judges the
 * tree on its clock (cached verifications), derives the chain, compares every output file with what it
 * would write, and writes nothing. A real PKI on a real port; the remote over file:// or C git's
 * {@code git daemon}.
 *
 * <p>Arguments: {@code [contracts=100] [cycles=300] [file|daemon]}. One contract in five involves the
 * agent's zone.
 */
final class AgentCycleBench {
    private AgentCycleBench() {
    }

    static void run(String[] args) throws Exception {
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String remoteKind = args.length > 2 ? args[2] : "file";
        Path tmp = Files.createTempDirectory("agent-cycle-bench");
        Process daemon = null;
        try (PkiZone pki = PkiZone.start(tmp.resolve("ca"), "alice")) {
            long g0 = System.nanoTime();
            Path bare = AgentBenchSupport.agentRepository(pki, contracts, tmp.resolve("repos/contracts.git"));
            System.out.printf("agent-cycle: %d contracts (%d involve the agent's zone), remote %s; setup %.1f s%n",
                    contracts, (contracts + 4) / 5, remoteKind, (System.nanoTime() - g0) / 1e9);
            String remote = bare.toUri().toString();
            if (remoteKind.equals("daemon")) {
                int port = AgentBenchSupport.freePort();
                daemon = AgentBenchSupport.gitDaemon(tmp.resolve("repos"), port);
                remote = "git://127.0.0.1:" + port + "/contracts.git";
            }
            AgentConfig cfg = AgentConfig.builder(remote, pki.target(), tmp.resolve("out")).channels(AgentBenchSupport.pin(pki)).build();
            try (Agent agent = new Agent(cfg)) {
                long t0 = System.nanoTime();
                CycleResult first = agent.runOnce();
                if (!first.ok()) {
                    throw new IllegalStateException("first cycle failed: " + first);
                }
                System.out.printf("first cycle (clone, verify everything, certificate, write all files): %.0f ms, "
                        + "%d peers%n", (System.nanoTime() - t0) / 1e6, agent.status().peers());
                for (int i = 0; i < Math.min(200, cycles); i++) {
                    check(agent.runOnce());
                }
                List<Double> wall = new ArrayList<>();
                List<Double> threadCpu = new ArrayList<>();
                long cpu0 = AgentBenchSupport.processCpuNanos();
                long w0 = System.nanoTime();
                for (int i = 0; i < cycles; i++) {
                    long s = System.nanoTime();
                    check(agent.runOnce());
                    wall.add((System.nanoTime() - s) / 1e6);
                    threadCpu.add(agent.status().lastCycleCpuSeconds() * 1e3);
                }
                double totalWall = (System.nanoTime() - w0) / 1e6;
                double procCpu = (AgentBenchSupport.processCpuNanos() - cpu0) / 1e6;
                double[] w = AgentBenchSupport.sorted(wall);
                double[] c = AgentBenchSupport.sorted(threadCpu);
                System.out.printf("no-change cycle, %d cycles after %d warm-up cycles:%n", cycles, Math.min(200, cycles));
                System.out.printf("  wall:             p50 %.2f ms, p99 %.2f ms, mean %.2f ms%n",
                        AgentBenchSupport.percentile(w, 50), AgentBenchSupport.percentile(w, 99), totalWall / cycles);
                System.out.printf("  CPU, cycle thread: p50 %.2f ms, p99 %.2f ms%n",
                        AgentBenchSupport.percentile(c, 50), AgentBenchSupport.percentile(c, 99));
                System.out.printf("  CPU, whole JVM (all threads incl. JIT/GC, and the in-process file:// "
                        + "upload-pack when remote=file): %.2f ms per cycle%n", procCpu / cycles);
            }
        } finally {
            if (daemon != null) {
                daemon.destroy();
                daemon.waitFor();
            }
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    private static void check(CycleResult r) {
        if (!r.ok() || !r.changed().isEmpty()) {
            throw new IllegalStateException("expected a successful cycle that changes nothing: " + r);
        }
    }
}
