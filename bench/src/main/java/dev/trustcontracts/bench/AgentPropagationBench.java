package dev.trustcontracts.bench;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
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
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Time from an accepted push to chain.pem replaced in the agent's directory. A contract that adds a peer is
 * pushed, then removed, again and again. With the repo-server the push is a real JGit push over HTTP
 * (validated by the server's pre-receive hook) and the clock starts when the push returns accepted; with
 * {@code notify} the agent watches the server's WatchCertificates stream, with {@code poll} it only polls,
 * and each push lands at a random moment of the interval. With C git's daemon (or file://) the push is a
 * commit written straight into the bare repository the remote serves (what an accepted push leaves), and
 * only polling applies. Everything runs in this JVM (server, agent, pusher); chain.pem is watched with
 * inotify (WatchService) and its content checked.
 *
 * <p>Arguments: {@code [pushes=60] [notify|poll] [interval=30s] [repo-server|daemon|file]}.
 */
final class AgentPropagationBench {
    private AgentPropagationBench() {
    }

    static void run(String[] args) throws Exception {
        int pushes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        boolean notify = !(args.length > 1 && args[1].equals("poll"));
        Duration interval = args.length > 2 ? parse(args[2]) : Duration.ofSeconds(30);
        String remoteKind = args.length > 3 ? args[3] : "repo-server";
        if (notify && !remoteKind.equals("repo-server")) {
            throw new IllegalArgumentException("notify needs the repo-server");
        }
        Path tmp = Files.createTempDirectory("agent-propagation-bench");
        Process daemon = null;
        try (PkiZone pki = PkiZone.start(tmp.resolve("ca"), "alice")) {
            List<TestZone> zones = AgentBenchSupport.zones(10);
            List<byte[]> contracts = new ArrayList<>();
            for (int i = 0; i < pushes; i++) {
                contracts.add(AgentBenchSupport.yaml(pki.contractWith("p" + i, zones.get(i % zones.size()))));
            }
            Pusher pusher;
            String remote;
            String notifyTarget = null;
            if (remoteKind.equals("repo-server")) {
                ServerPusher sp = new ServerPusher(tmp);
                pusher = sp;
                remote = sp.server.gitUrl();
                if (notify) {
                    notifyTarget = "127.0.0.1:" + sp.server.grpcPort();
                }
            } else {
                pusher = new BarePusher(AgentBenchSupport.createBare(tmp.resolve("repos/contracts.git")));
                remote = tmp.resolve("repos/contracts.git").toUri().toString();
            }
            pusher.push(Map.of(), List.of());
            if (remoteKind.equals("daemon")) {
                int port = AgentBenchSupport.freePort();
                daemon = AgentBenchSupport.gitDaemon(tmp.resolve("repos"), port);
                remote = "git://127.0.0.1:" + port + "/contracts.git";
            }
            Path out = tmp.resolve("out");
            String own = Fingerprint.of(pki.ca.certificate());
            System.out.printf("agent-propagation: %s, polling every %s (+/-10 %% jitter), remote %s, %d pushes%s%n",
                    notify ? "--notify (WatchCertificates)" : "polling only", interval, remoteKind, pushes,
                    notify ? "" : ", each at a random moment of the interval");
            try (Agent agent = new Agent(AgentConfig.builder(remote, pki.target(), out).channels(notifyTarget == null ? AgentBenchSupport.pin(pki)
                    : ChannelOptions.builder().pkiFingerprint(pki.ca.fingerprint()).notifyPlaintext(true).build()).interval(interval)
                    .notifyTarget(notifyTarget).build());
                 WatchService watch = FileSystems.getDefault().newWatchService()) {
                agent.start();
                waitFor(out, Set.of(own), null, Duration.ofSeconds(120));
                if (notify) {
                    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (!agent.status().isNotifyConnected() && System.nanoTime() < end) {
                        Thread.sleep(20);
                    }
                }
                out.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < pushes; i++) {
                    long pause = notify ? 200 : interval.toMillis();
                    Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, pause)));
                    Set<String> expected = new HashSet<>(Set.of(own));
                    long t0;
                    if (i % 2 == 0) {
                        pusher.push(Map.of("p" + i + ".yaml", contracts.get(i)), List.of());
                        t0 = System.nanoTime();
                        expected.add(Fingerprint.of(zones.get(i % zones.size()).root));
                    } else {
                        pusher.push(Map.of(), List.of("p" + (i - 1) + ".yaml"));
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
                if (notify) {
                    System.out.printf("doorbells %d, cycles %d%n", agent.status().doorbells(), agent.status().cyclesStarted());
                }
            } finally {
                pusher.close();
            }
        } finally {
            if (daemon != null) {
                daemon.destroy();
                daemon.waitFor();
            }
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    /** Makes one accepted change of main: contract files added and removed under contracts/. */
    private interface Pusher extends AutoCloseable {
        void push(Map<String, byte[]> put, List<String> delete) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** A commit written into the bare repository C git's daemon (or file://) serves. */
    private record BarePusher(Repository repo) implements Pusher {
        @Override
        public void push(Map<String, byte[]> put, List<String> delete) throws IOException {
            AgentBenchSupport.commit(repo, put, delete, "change");
        }

        @Override
        public void close() {
            repo.close();
        }
    }

    /** A repo-server in this JVM and an admin's working clone that pushes to it over HTTP. */
    private static final class ServerPusher implements Pusher {
        private static final String USER = "admin";
        private static final String PASSWORD = "bench password for the agent propagation figure";
        final RepoServer server;
        private final Git git;
        private final Path work;

        ServerPusher(Path tmp) throws Exception {
            RepoServerConfig cfg = RepoServerConfig.ephemeral(tmp.resolve("server"));
            // a low iteration count: password hashing is not what this measures
            new UserStore(cfg.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), java.util.Set.of(), true);
            server = RepoServer.start(cfg);
            work = tmp.resolve("admin");
            git = Git.cloneRepository().setURI(server.gitUrl()).setDirectory(work.toFile()).call();
        }

        @Override
        public void push(Map<String, byte[]> put, List<String> delete) throws Exception {
            Files.createDirectories(work.resolve("contracts"));
            for (Map.Entry<String, byte[]> e : put.entrySet()) {
                Files.write(work.resolve("contracts/" + e.getKey()), e.getValue());
                git.add().addFilepattern("contracts/" + e.getKey()).call();
            }
            for (String d : delete) {
                git.rm().addFilepattern("contracts/" + d).call();
            }
            git.commit().setMessage("change").setAuthor("admin", "admin@example.org")
                    .setCommitter("admin", "admin@example.org").setSign(false).setAllowEmpty(true).call();
            for (PushResult r : git.push().setRemote(server.gitUrl()).add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider(USER, PASSWORD)).call()) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK) {
                        throw new IllegalStateException("push refused: " + u.getStatus() + " " + r.getMessages());
                    }
                }
            }
        }

        @Override
        public void close() {
            git.close();
            server.close();
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
