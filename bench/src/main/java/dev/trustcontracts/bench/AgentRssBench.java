package dev.trustcontracts.bench;

import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;

/**
 * Resident memory of an idle agent: {@code ./trustctl agent} as operators start it (a separate JVM with
 * the launcher's flags), polling a file:// repository of 100 contracts every 5 s with /metrics served,
 * sampled from /proc for a while; then the same with the JVM's own defaults for comparison.
 *
 * <p>Arguments: {@code [seconds=120] [contracts=100]}. Run from the repository root (./benchmark does).
 */
final class AgentRssBench {
    private AgentRssBench() {
    }

    static void run(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int contracts = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path trustctl = Path.of("trustctl").toAbsolutePath();
        if (!Files.isExecutable(trustctl)) {
            throw new IllegalStateException("run from the repository root: ./trustctl not found");
        }
        Path tmp = Files.createTempDirectory("agent-rss-bench");
        try (PkiZone pki = PkiZone.start(tmp.resolve("ca"), "alice")) {
            List<TestZone> zones = AgentBenchSupport.zones(20);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (int i = 0; i < contracts; i++) {
                TestZone a = zones.get(i % zones.size());
                TestZone b = zones.get((i + 1 + i / zones.size()) % zones.size());
                if (a == b) {
                    b = zones.get((i + 1) % zones.size());
                }
                files.put("c" + i + ".yaml", AgentBenchSupport.yaml(i % 5 == 0
                        ? pki.contractWith("c" + i, zones.get(i / 5 % zones.size())) : TestZone.signed("c" + i, a, b)));
            }
            Path bare = tmp.resolve("contracts.git");
            try (Repository repo = AgentBenchSupport.createBare(bare)) {
                AgentBenchSupport.commit(repo, files, List.of(), "contracts");
            }
            System.out.printf("agent-rss: ./trustctl agent, %d contracts over file://, --interval 5s, --listen; "
                    + "sampled for %d s%n", contracts, seconds);
            measure(trustctl, "launcher's agent flags (TRUSTCTL_JAVA_OPTS unset)", null, bare, pki, tmp.resolve("out1"), seconds);
            measure(trustctl, "JVM defaults (TRUSTCTL_JAVA_OPTS=-Dnone)", "-Dnone", bare, pki, tmp.resolve("out2"), seconds);
        } finally {
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    private static void measure(Path trustctl, String label, String javaOpts, Path bare, PkiZone pki,
            Path out, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(trustctl.toString(), "agent", "--remote", bare.toUri().toString(),
                "--pki", pki.target(), "--pki-fingerprint", pki.ca.fingerprint(), "--out", out.toString(),
                "--interval", "5s", "--listen", "127.0.0.1:0")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (javaOpts == null) {
            pb.environment().remove("TRUSTCTL_JAVA_OPTS");
        } else {
            pb.environment().put("TRUSTCTL_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        try {
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            long rss = 0;
            while (System.nanoTime() < end && p.isAlive()) {
                Thread.sleep(1000);
                rss = kib(p.pid(), "VmRSS");
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the agent exited with " + p.exitValue());
            }
            if (!Files.exists(out.resolve("chain.pem"))) {
                throw new IllegalStateException("the agent wrote no chain.pem");
            }
            System.out.printf("  %-52s RSS after %d s: %5.1f MiB, peak (VmHWM) %5.1f MiB, threads %d%n", label, seconds,
                    rss / 1024.0, kib(p.pid(), "VmHWM") / 1024.0, kib(p.pid(), "Threads"));
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static long kib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
