package dev.trustcontracts.bench;

import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;

/**
 * Resident memory of an idle agent: {@code ./trustctl agent} as operators start it (a separate JVM with
 * the launcher's flags), polling a file:// repository of 100 contracts every 5 s, with /metrics and /healthz
 * scraped every 15 s as a Prometheus would, sampled from /proc. The JVM's own defaults run beside it for
 * comparison. All variants run at the same time, so a loaded machine weighs on each alike.
 *
 * <p>Arguments: {@code [seconds=120] [contracts=100] [VARIANT...]}. Run from the repository root
 * (./benchmark does). A VARIANT adds an agent to compare: {@code label;NAME=VALUE;...} sets environment
 * variables of its ./trustctl (e.g. {@code TRUSTCTL_JAVA_OPTS}, {@code MALLOC_ARENA_MAX}); the name
 * {@code script} runs another copy of the trustctl script (with its own launcher/target) instead.
 * {@code -Dagent-rss.copies=N} (in BENCH_JAVA_OPTS) runs N agents of each variant.
 */
final class AgentRssBench {
    private static final Duration SCRAPE_EVERY = Duration.ofSeconds(15);

    private AgentRssBench() {
    }

    private record Variant(String label, Map<String, String> env, Path script) {
    }

    private record Running(Variant variant, Process process, Path out, int port) {
    }

    static void run(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int contracts = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int copies = Integer.getInteger("agent-rss.copies", 1);
        Path trustctl = Path.of("trustctl").toAbsolutePath();
        if (!Files.isExecutable(trustctl)) {
            throw new IllegalStateException("run from the repository root: ./trustctl not found");
        }
        List<Variant> variants = new ArrayList<>();
        Map<String, String> unset = new LinkedHashMap<>();
        unset.put("TRUSTCTL_JAVA_OPTS", null);
        variants.add(new Variant("launcher's agent flags (TRUSTCTL_JAVA_OPTS unset)", unset, trustctl));
        variants.add(new Variant("JVM defaults (TRUSTCTL_JAVA_OPTS=-Dnone)", Map.of("TRUSTCTL_JAVA_OPTS", "-Dnone"), trustctl));
        for (int i = 2; i < args.length; i++) {
            variants.add(parse(args[i], trustctl));
        }
        Path tmp = Files.createTempDirectory("agent-rss-bench");
        try (PkiZone pki = PkiZone.start(tmp.resolve("ca"), "alice")) {
            Path bare = repository(tmp, pki, contracts);
            System.out.printf("agent-rss: ./trustctl agent, %d contracts over file://, --interval 5s, --listen, "
                    + "/metrics and /healthz scraped every %d s; %d agent(s) per variant, all at once, sampled after %d s%n",
                    contracts, SCRAPE_EVERY.toSeconds(), copies, seconds);
            List<Running> agents = new ArrayList<>();
            try {
                int n = 0;
                for (int c = 0; c < copies; c++) {
                    for (Variant v : variants) {
                        agents.add(start(v, bare, pki, tmp.resolve("out" + n++)));
                    }
                }
                watch(agents, seconds);
            } finally {
                for (Running r : agents) {
                    r.process().destroy();
                }
                for (Running r : agents) {
                    if (!r.process().waitFor(30, TimeUnit.SECONDS)) {
                        r.process().destroyForcibly();
                    }
                }
            }
        } finally {
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    private static Variant parse(String arg, Path trustctl) {
        String[] parts = arg.split(";");
        Map<String, String> env = new LinkedHashMap<>();
        Path script = trustctl;
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("variant " + arg + ": expected label;NAME=VALUE;...");
            }
            String name = parts[i].substring(0, eq);
            String value = parts[i].substring(eq + 1);
            if (name.equals("script")) {
                script = Path.of(value).toAbsolutePath();
            } else {
                env.put(name, value);
            }
        }
        return new Variant(parts[0], env, script);
    }

    private static Path repository(Path tmp, PkiZone pki, int contracts) throws Exception {
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
        return bare;
    }

    private static Running start(Variant v, Path bare, PkiZone pki, Path out) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free now; the agent binds it a moment later (a benchmark can live with the race)
        }
        ProcessBuilder pb = new ProcessBuilder(v.script().toString(), "agent", "--remote", bare.toUri().toString(),
                "--pki", pki.target(), "--pki-fingerprint", pki.ca.fingerprint(), "--out", out.toString(),
                "--interval", "5s", "--listen", "127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile());
        pb.environment().remove("TRUSTCTL_JAVA_OPTS");
        for (Map.Entry<String, String> e : v.env().entrySet()) {
            if (e.getValue() == null) {
                pb.environment().remove(e.getKey());
            } else {
                pb.environment().put(e.getKey(), e.getValue());
            }
        }
        return new Running(v, pb.start(), out, port);
    }

    private static void watch(List<Running> agents, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long nextScrape = start + SCRAPE_EVERY.toNanos();
        long[] rss = new long[agents.size()];
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            boolean scrape = System.nanoTime() >= nextScrape;
            for (int i = 0; i < agents.size(); i++) {
                Running r = agents.get(i);
                if (!r.process().isAlive()) {
                    throw new IllegalStateException(r.variant().label() + ": the agent exited with " + r.process().exitValue());
                }
                if (scrape) {
                    for (String path : List.of("/metrics", "/healthz")) {
                        try {
                            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                        } catch (IOException e) {
                            // not listening yet (still starting on a loaded machine): the next round scrapes it
                        }
                    }
                }
                rss[i] = kib(r.process().pid(), "VmRSS");
            }
            if (scrape) {
                nextScrape += SCRAPE_EVERY.toNanos();
            }
        }
        for (int i = 0; i < agents.size(); i++) {
            Running r = agents.get(i);
            // on a loaded machine the first sync (verifying every contract) can outlast a short run: say so
            String note = Files.exists(r.out().resolve("chain.pem")) ? ""
                    : " (no chain.pem yet: first sync unfinished, figure not comparable)";
            System.out.printf("  %-52s RSS after %d s: %5.1f MiB, peak (VmHWM) %5.1f MiB, threads %d%s%n",
                    r.variant().label(), seconds, rss[i] / 1024.0, kib(r.process().pid(), "VmHWM") / 1024.0,
                    kib(r.process().pid(), "Threads"), note);
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
