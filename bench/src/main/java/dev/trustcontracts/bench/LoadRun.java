package dev.trustcontracts.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.HttpTransport;

/**
 * One load run: a repo-server in a child JVM, N simulated agents in this JVM (see {@link SimulatedAgent}),
 * changes of main through the server's API at fixed points (merges of proposal branches pushed before the
 * run, and revocations), and for each change the time until every agent has fetched the new commit.
 * Everything is bounded: fixed pools, a timeout on every fetch and API call, a deadline on every stream and
 * on the run.
 */
final class LoadRun {
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "bench password for the load run";

    /** What to run. */
    record Settings(int agents, int contracts, int zones, Duration duration, Duration changeEvery,
                    Duration pollEvery, int fetchThreads, int channels, Duration drain, int fetchTimeoutSeconds,
                    int mirrors) {
        int changeCount() {
            return (int) Math.max(0, (duration.toMillis() - 1) / changeEvery.toMillis());
        }
    }

    /** Called after each change is made (or failed): a test uses it to stop the server mid-run. */
    @FunctionalInterface
    interface Hook {
        void afterChange(int index, ServerProcess server) throws Exception;
    }

    /** One change and how it spread: milliseconds from the API call to each agent that fetched / was told. */
    record ChangeResult(int index, String kind, String commit, double apiMs, int seenBy, double[] fetchedMs,
                        double[] notifiedMs) {
    }

    /**
     * Everything measured. With mirrors, the server figures (CPU, RSS, streams) are those of the servers the
     * agents talk to, summed over the mirrors; {@code primaryCpuMs} is the primary's own CPU over the run.
     */
    record Result(Settings settings, int streamsConnected, long watchSubscribersOnServer, List<ChangeResult> changes,
                  double[] allFetchedMs, long errors, List<String> firstErrors, double seconds, long polls,
                  long fetches, long watchMessages, long httpRequests, long serverCpuMs, long rssBeforeStreamsKiB,
                  long rssWithStreamsKiB, long rssMaxKiB, long quietPolls, long quietCpuMs, double quietSeconds,
                  long tailPolls, long tailCpuMs, double tailSeconds, long idleCpuMs, double idleSeconds,
                  long benchCpuMs, String loadBefore,
                  String loadAfter, long primaryCpuMs) {
    }

    private LoadRun() {
    }

    static Result run(Settings s, Path tmp, Hook hook) throws Exception {
        String loadBefore = loadAverage();
        long began = System.nanoTime();
        BenchRepos repos = new BenchRepos(s.zones());
        Path data = tmp.resolve("server");
        repos.populate(data, s.contracts());
        System.err.printf("load: %d zones and %d contracts written after %.1f s%n", s.zones(), s.contracts(),
                (System.nanoTime() - began) / 1e9);
        // a low iteration count: password hashing is not what this measures
        new UserStore(RepoServerConfig.ephemeral(data).usersFile())
                .put(ADMIN, PASSWORD.toCharArray(), new PasswordHasher(2_000), Set.of(), true);
        List<String> hashes = SimulatedAgent.zoneHashes(repos);
        ErrorLog errors = new ErrorLog();
        AtomicLong httpRequests = new AtomicLong();
        HttpConnectionFactory plainFactory = HttpTransport.getConnectionFactory();
        HttpTransport.setConnectionFactory(counting(plainFactory, httpRequests));
        // with --mirrors: read-only mirrors of the server (child JVMs), which the agents then talk to instead
        List<ServerProcess> mirrors = new ArrayList<>();
        // every simulated agent comes from 127.0.0.1: let one address have as many Git requests at once as
        // the bench's fetch threads (real agents each have their own address and the default of 4)
        try (ServerProcess server = ServerProcess.start(data, List.of("-Xss512k", "-XX:+UseSerialGC"),
                List.of(String.valueOf(Math.max(4, s.fetchThreads()))))) {
            String gitUrl = "http://127.0.0.1:" + server.httpPort + "/git/contracts.git";
            System.err.printf("load: server started after %.1f s%n", (System.nanoTime() - began) / 1e9);
            ObjectId start;
            Path base = tmp.resolve("base");
            try (Git g = Git.cloneRepository().setBare(true).setURI(gitUrl).setDirectory(base.toFile()).call()) {
                start = g.getRepository().resolve("refs/heads/main");
            }
            int merges = (s.changeCount() + 1) / 2;
            pushProposals(tmp.resolve("admin"), gitUrl, repos, s.contracts(), merges);

            System.err.printf("load: server up, proposals pushed after %.1f s%n", (System.nanoTime() - began) / 1e9);
            for (int m = 0; m < s.mirrors(); m++) {
                mirrors.add(ServerProcess.start(tmp.resolve("mirror-" + m), List.of("-Xss512k", "-XX:+UseSerialGC"),
                        List.of(String.valueOf(Math.max(4, s.fetchThreads())), gitUrl, String.valueOf(server.grpcPort))));
            }
            if (!mirrors.isEmpty()) {
                System.err.printf("load: %d mirrors up after %.1f s%n", mirrors.size(), (System.nanoTime() - began) / 1e9);
            }
            // the servers the agents talk to: agent i (and gRPC channel i) on front server i mod their count
            List<ServerProcess> front = mirrors.isEmpty() ? List.of(server) : mirrors;
            SimulatedAgent.Counters counters = new SimulatedAgent.Counters();
            Propagation fetched = new Propagation(s.agents());
            Propagation notified = new Propagation(s.agents());
            AtomicBoolean stopping = new AtomicBoolean();
            ExecutorService fetchPool = Executors.newFixedThreadPool(s.fetchThreads(), daemon("load-fetch"));
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemon("load-timer"));
            ExecutorService grpcPool = Executors.newFixedThreadPool(2, daemon("load-grpc"));
            long runNanos = s.duration().plus(s.drain()).toNanos();
            long streamDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos() + runNanos
                    + s.changeEvery().toNanos();
            List<SimulatedAgent.Shared> shared = new ArrayList<>();
            for (ServerProcess f : front) {
                shared.add(new SimulatedAgent.Shared("http://127.0.0.1:" + f.httpPort + "/git/contracts.git", errors,
                        fetched, notified, fetchPool, timer, stopping, s.pollEvery().toMillis(), s.fetchTimeoutSeconds(),
                        streamDeadline, counters));
            }
            List<ManagedChannel> channels = new ArrayList<>();
            List<SimulatedAgent> agents = new ArrayList<>();
            AtomicLong rssMax = new AtomicLong();
            try {
                for (int i = 0; i < s.channels() * front.size(); i++) {
                    channels.add(Grpc.newChannelBuilderForAddress("127.0.0.1", front.get(i % front.size()).grpcPort,
                            InsecureChannelCredentials.create()).executor(grpcPool).build());
                }
                Path agentsDir = tmp.resolve("agents");
                for (int i = 0; i < s.agents(); i++) {
                    agents.add(new SimulatedAgent(i, hashes.get(i % hashes.size()), shared.get(i % front.size()),
                            agentsDir.resolve("a" + i), base, start));
                }
                long rssBefore = safeRss(front);
                for (int i = 0; i < agents.size(); i++) {
                    agents.get(i).watchOn(channels.get(i % channels.size()));
                }
                long connectBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (counters.streamsOpen().get() < s.agents() && System.nanoTime() < connectBy) {
                    Thread.sleep(50);
                }
                int streams = (int) counters.streamsOpen().get();
                System.err.printf("load: %d of %d watch streams answered in %.1f s%n", streams, s.agents(),
                        (System.nanoTime() - connectBy) / 1e9 + 60);
                if (streams < s.agents()) {
                    errors.add("only " + streams + " of " + s.agents() + " watch streams answered within 60 s");
                }
                Thread.sleep(1000); // let the server settle after the burst of subscriptions
                long rssStreams = safeRss(front);
                long subscribers = front.stream().mapToLong(f -> watchSubscribers(f.httpPort)).sum();
                timer.scheduleWithFixedDelay(() -> rssMax.accumulateAndGet(safeRss(front), Math::max), 0, 1,
                        TimeUnit.SECONDS);

                // the server's own cost with every stream open and nothing asked: subtracted from a poll's cost
                long idleStart = System.nanoTime();
                long idleCpu0 = safeCpu(front);
                Thread.sleep(Math.min(5000, s.changeEvery().toMillis()));
                long idleCpu = safeCpu(front) - idleCpu0;
                double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
                agents.forEach(SimulatedAgent::startPolling);
                long t0 = System.nanoTime();
                long cpu0 = safeCpu(front);
                long primaryCpu0 = safeCpu(server);
                long benchCpu0 = AgentBenchSupport.processCpuNanos();
                long polls0 = counters.polls().get();
                long http0 = httpRequests.get();
                long quietPolls = 0;
                long quietCpu = 0;
                double quietSeconds = 0;
                HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                List<String> kinds = new ArrayList<>();
                List<Double> apiMs = new ArrayList<>();
                for (int k = 0; k < s.changeCount(); k++) {
                    sleepUntil(t0 + s.changeEvery().toNanos() * (k + 1));
                    if (k == 0) {
                        quietSeconds = (System.nanoTime() - t0) / 1e9;
                        quietPolls = counters.polls().get() - polls0;
                        quietCpu = safeCpu(front) - cpu0;
                    }
                    String kind = k % 2 == 0 ? "merge proposals/load-" + k / 2 : "revoke c" + k;
                    long made = System.nanoTime();
                    try {
                        String commit = k % 2 == 0
                                ? call(api, "POST", server.httpPort, "/api/proposals/proposals/load-" + k / 2 + "/merge")
                                : call(api, "DELETE", server.httpPort, "/api/contracts/c" + k);
                        apiMs.add((System.nanoTime() - made) / 1e6);
                        fetched.changed(commit, made);
                        notified.changed(commit, made);
                        kinds.add(kind);
                    } catch (Exception e) {
                        errors.add(kind, e);
                    }
                    hook.afterChange(k, server);
                }
                // wait for the last change to reach every agent, within the drain time
                long end = t0 + runNanos;
                int last = fetched.changes() - 1;
                sleepUntil(t0 + s.duration().toNanos());
                while (last >= 0 && fetched.seenBy(last) < s.agents() && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long cpu = safeCpu(front) - cpu0;
                long primaryCpu = safeCpu(server) - primaryCpu0;
                long benchCpu = (AgentBenchSupport.processCpuNanos() - benchCpu0) / 1_000_000;
                long polls = counters.polls().get() - polls0;
                long fetches = counters.fetches().get();
                long watchMessages = counters.watchMessages().get();
                long http = httpRequests.get() - http0;
                // polls alone again, on a warm server: the cost of a no-change poll without JIT warm-up in it
                long tailStart = System.nanoTime();
                long tailPolls0 = counters.polls().get();
                long tailCpu0 = safeCpu(front);
                sleepUntil(tailStart + s.changeEvery().toNanos());
                long tailPolls = counters.polls().get() - tailPolls0;
                long tailCpu = safeCpu(front) - tailCpu0;
                double tailSeconds = (System.nanoTime() - tailStart) / 1e9;
                stopping.set(true);
                List<ChangeResult> results = new ArrayList<>();
                for (int i = 0; i < fetched.changes(); i++) {
                    results.add(new ChangeResult(i, kinds.get(i), fetched.commit(i), apiMs.get(i), fetched.seenBy(i),
                            fetched.latenciesMs(i), notified.latenciesMs(i)));
                    if (fetched.seenBy(i) < s.agents()) {
                        errors.add("change " + i + " (" + kinds.get(i) + "): only " + fetched.seenBy(i) + " of "
                                + s.agents() + " agents fetched it by the end of the run");
                    }
                }
                return new Result(s, streams, subscribers, results, fetched.allLatenciesMs(), errors.count(),
                        errors.first(), seconds, polls, fetches, watchMessages, http, cpu, rssBefore, rssStreams,
                        Math.max(rssMax.get(), rssStreams), quietPolls, quietCpu, quietSeconds, tailPolls, tailCpu,
                        tailSeconds, idleCpu, idleSeconds, benchCpu, loadBefore, loadAverage(), primaryCpu);
            } finally {
                stopping.set(true);
                for (ManagedChannel c : channels) {
                    c.shutdownNow();
                }
                timer.shutdownNow();
                fetchPool.shutdownNow();
                fetchPool.awaitTermination(s.fetchTimeoutSeconds() + 5L, TimeUnit.SECONDS);
                for (ManagedChannel c : channels) {
                    c.awaitTermination(5, TimeUnit.SECONDS);
                }
                grpcPool.shutdownNow();
                agents.forEach(SimulatedAgent::close);
            }
        } finally {
            HttpTransport.setConnectionFactory(plainFactory);
            for (ServerProcess m : mirrors) {
                m.close();
            }
        }
    }

    /** One proposal branch per merge, each adding a new signed contract on top of the starting main. */
    private static void pushProposals(Path dir, String gitUrl, BenchRepos repos, int contracts, int merges)
            throws Exception {
        if (merges == 0) {
            return;
        }
        try (Git g = Git.cloneRepository().setBare(true).setURI(gitUrl).setDirectory(dir.toFile()).call()) {
            Repository r = g.getRepository();
            ObjectId main = r.resolve("refs/heads/main");
            for (int k = 0; k < merges; k++) {
                String name = "load-" + k;
                ObjectId c = AgentBenchSupport.commitObject(r, main,
                        Map.of(name + ".yaml", BenchRepos.yaml(repos.contract(name, contracts + k))), List.of(),
                        "propose " + name + "\n");
                RefUpdate u = r.updateRef("refs/heads/proposals/" + name);
                u.setNewObjectId(c);
                u.update();
            }
            for (PushResult res : g.push().setRemote(gitUrl).setRefSpecs(new RefSpec("refs/heads/proposals/*:refs/heads/proposals/*"))
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider(ADMIN, PASSWORD)).setTimeout(60).call()) {
                for (RemoteRefUpdate u : res.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK) {
                        throw new IOException("push of " + u.getRemoteName() + " refused: " + u.getStatus() + " "
                                + res.getMessages());
                    }
                }
            }
        }
    }

    /** An API call as the admin; answers the new main commit of a 2xx answer, else throws with the answer. */
    private static String call(HttpClient api, String method, int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> res = api.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + ": HTTP " + res.statusCode() + " " + res.body());
        }
        JsonNode commit = new ObjectMapper().readTree(res.body()).get("commit");
        if (commit == null || commit.asText().isEmpty()) {
            throw new IOException(method + " " + path + ": no commit in " + res.body());
        }
        return commit.asText();
    }

    /** The server's own count of open WatchCertificates streams, from /metrics (-1 when unreadable). */
    private static long watchSubscribers(int httpPort) {
        try {
            HttpResponse<String> res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return res.body().lines().filter(l -> l.startsWith("trustctl_server_watch_subscribers "))
                    .map(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElse(-1L);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return -1;
        }
    }

    private static HttpConnectionFactory counting(HttpConnectionFactory inner, AtomicLong count) {
        return new HttpConnectionFactory() {
            @Override
            public HttpConnection create(URL url) throws IOException {
                count.incrementAndGet();
                return inner.create(url);
            }

            @Override
            public HttpConnection create(URL url, Proxy proxy) throws IOException {
                count.incrementAndGet();
                return inner.create(url, proxy);
            }
        };
    }

    /** The summed RSS of the servers (0 for one that cannot be read). */
    private static long safeRss(List<ServerProcess> servers) {
        return servers.stream().mapToLong(LoadRun::safeRss).sum();
    }

    private static long safeCpu(List<ServerProcess> servers) {
        return servers.stream().mapToLong(LoadRun::safeCpu).sum();
    }

    private static long safeRss(ServerProcess server) {
        try {
            return server.rssKiB();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long safeCpu(ServerProcess server) {
        try {
            return server.cpuMillis();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
