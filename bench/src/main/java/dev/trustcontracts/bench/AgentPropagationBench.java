package dev.trustcontracts.bench;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.testing.TestZone;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;

/**
 * Time from an accepted push to chain.pem replaced in the agent's directory, polling only: a contract that
 * adds a peer is pushed, then removed, again and again; each push lands at a random moment of the poll
 * interval. The push is a commit written straight into the bare repository the remote serves (what an
 * accepted push leaves); the agent fetches it over git:// from C git's daemon (or file://). The agent runs
 * in this JVM; chain.pem is watched with inotify (WatchService) and its content checked.
 *
 * <p>Arguments: {@code [pushes=60] [interval=2s] [daemon|file]}.
 */
final class AgentPropagationBench {
    private AgentPropagationBench() {
    }

    static void run(String[] args) throws Exception {
        int pushes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Duration interval = args.length > 1 ? parse(args[1]) : Duration.ofSeconds(2);
        String remoteKind = args.length > 2 ? args[2] : "daemon";
        Path tmp = Files.createTempDirectory("agent-propagation-bench");
        Process daemon = null;
        try (AgentBenchSupport.Pki pki = new AgentBenchSupport.Pki(tmp.resolve("ca"), "alice")) {
            List<TestZone> zones = AgentBenchSupport.zones(10);
            List<byte[]> contracts = new ArrayList<>();
            for (int i = 0; i < pushes; i++) {
                contracts.add(AgentBenchSupport.yaml(pki.contractWith("p" + i, zones.get(i % zones.size()))));
            }
            Path bare = tmp.resolve("repos/contracts.git");
            Repository repo = AgentBenchSupport.createBare(bare);
            AgentBenchSupport.commit(repo, Map.of(), List.of(), "empty");
            String remote = bare.toUri().toString();
            if (remoteKind.equals("daemon")) {
                int port = AgentBenchSupport.freePort();
                daemon = AgentBenchSupport.gitDaemon(tmp.resolve("repos"), port);
                remote = "git://127.0.0.1:" + port + "/contracts.git";
            }
            Path out = tmp.resolve("out");
            String own = Fingerprint.of(pki.ca.certificate());
            System.out.printf("agent-propagation: polling every %s (+/-10 %% jitter), remote %s, %d pushes, each at a "
                    + "random moment of the interval%n", interval, remoteKind, pushes);
            try (Agent agent = new Agent(AgentConfig.builder(remote, pki.target(), out).interval(interval).build());
                 WatchService watch = FileSystems.getDefault().newWatchService()) {
                agent.start();
                waitFor(out, Set.of(own), null, Duration.ofSeconds(120));
                out.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < pushes; i++) {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, interval.toMillis())));
                    Set<String> expected = new HashSet<>(Set.of(own));
                    long t0;
                    if (i % 2 == 0) {
                        AgentBenchSupport.commit(repo, Map.of("p" + i + ".yaml", contracts.get(i)), List.of(), "add p" + i);
                        t0 = System.nanoTime();
                        expected.add(Fingerprint.of(zones.get(i % zones.size()).root));
                    } else {
                        AgentBenchSupport.commit(repo, Map.of(), List.of("p" + (i - 1) + ".yaml"), "remove p" + (i - 1));
                        t0 = System.nanoTime();
                    }
                    waitFor(out, expected, watch, Duration.ofSeconds(120));
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
                double[] s = AgentBenchSupport.sorted(ms);
                System.out.printf("push -> chain.pem: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms, mean %.0f ms "
                        + "(%d pushes)%n", AgentBenchSupport.percentile(s, 50), AgentBenchSupport.percentile(s, 90),
                        AgentBenchSupport.percentile(s, 99), s[s.length - 1],
                        ms.stream().mapToDouble(Double::doubleValue).average().orElse(0), ms.size());
            }
            repo.close();
        } finally {
            if (daemon != null) {
                daemon.destroy();
                daemon.waitFor();
            }
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    /** Waits until chain.pem holds exactly the expected roots: on inotify events, re-checking every 50 ms. */
    static void waitFor(Path out, Set<String> expected, WatchService watch, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!expected.equals(chain(out))) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("chain.pem did not reach " + expected.size() + " roots in " + deadline);
            }
            if (watch == null) {
                Thread.sleep(20);
            } else {
                var key = watch.poll(50, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    static Set<String> chain(Path out) {
        try {
            Set<String> s = new HashSet<>();
            Pem.certificates(Files.readString(out.resolve("chain.pem"))).forEach(c -> s.add(Fingerprint.of(c)));
            return s;
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    static Duration parse(String s) {
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        return Duration.parse(s);
    }
}
