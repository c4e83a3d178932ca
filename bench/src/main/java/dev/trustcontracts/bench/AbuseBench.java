package dev.trustcontracts.bench;

import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rate of a well-behaved client of the repo-server (anonymous API read, Git ref advertisement, authenticated
 * API read) without abuse and during each abuse of issue 10: slow-loris on git-upload-pack, parallel password
 * guessing, a flood of malformed Authorization headers, a flood of Git requests; and, as a control, a flood of
 * equally many harmless requests (what any flood costs on a shared CPU). All on 127.0.0.1; the
 * attackers bind other loopback addresses (127.0.0.2-5), as other hosts would be; the well-behaved client is
 * 127.0.0.1. The server runs in this JVM with its default limits and a user with the production hash
 * (600,000 PBKDF2 iterations).
 *
 * <p>Arguments: {@code [seconds-per-scenario=8] [slow-loris-connections=300] [flood-threads=64]}. Bounded: seven
 * scenarios of that many seconds each (plus a second of build-up per attack and as much warm-up).
 */
final class AbuseBench {
    private static final String USER = "admin";
    private static final String PASSWORD = "correct horse battery staple";

    private AbuseBench() {
    }

    static void run(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int lorisConnections = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int floodThreads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Duration window = Duration.ofSeconds(seconds);
        Path dir = Files.createTempDirectory("bench-abuse");
        RepoServerConfig config = RepoServerConfig.ephemeral(dir);
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher());
        try (RepoServer server = RepoServer.start(config)) {
            int port = server.httpPort();
            Client client = new Client(server.httpUrl());
            client.round(); // the one slow hash of the right password
            client.measure(window); // warm up: JIT, connection pool
            System.out.printf("abuse: rate of one well-behaved client (127.0.0.1), %d s per scenario, %d cores%n",
                    seconds, Runtime.getRuntime().availableProcessors());
            System.out.printf("  %-34s %14s %22s %14s %7s   %s%n", "scenario", "api/contracts", "git info/refs (503)",
                    "api/whoami", "failed", "attacker");
            report("no abuse", client.measure(window), "");

            Attack loris = new SlowLoris(port, "127.0.0.2", lorisConnections, Duration.ofSeconds(5));
            report("slow-loris " + lorisConnections + " conns, 1 B / 5 s", client.during(loris, window), loris.summary());

            Attack guesses = new Flood(port, "127.0.0.3", 16, i -> request("GET", "/api/whoami",
                    "Authorization: Basic " + b64(USER + ":guess-" + i) + "\r\n"));
            report("16 parallel password guesses", client.during(guesses, window), guesses.summary());

            Attack malformed = new Flood(port, "127.0.0.4", floodThreads, i -> request("GET", "/api/whoami",
                    "Authorization: Basic " + b64("no-colon-" + i) + "\r\n"));
            report(floodThreads + " clients, malformed headers", client.during(malformed, window), malformed.summary());

            Attack git = new Flood(port, "127.0.0.5", floodThreads, i -> request("GET",
                    "/git/contracts.git/info/refs?service=git-upload-pack", ""));
            report(floodThreads + " clients, Git request flood", client.during(git, window), git.summary());
            Attack control = new Flood(port, "127.0.0.6", floodThreads, i -> request("GET", "/healthz", ""));
            report(floodThreads + " clients, /healthz (control)", client.during(control, window), control.summary());
            report("no abuse (again)", client.measure(window), "");
        } finally {
            PushValidationBench.deleteTree(dir);
        }
    }

    private static void report(String scenario, Map<String, Double> rates, String attacker) {
        System.out.printf("  %-34s %12.1f/s %13.1f/s (%4.0f) %12.1f/s %7.0f   %s%n", scenario, rates.get("api"),
                rates.get("git"), rates.get("git503"), rates.get("whoami"), rates.get("failed"), attacker);
    }

    /** The well-behaved client: one thread, one request of each kind in turn. */
    private static final class Client {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final String base;
        private final Map<String, Long> counts = new TreeMap<>();

        Client(String base) {
            this.base = base;
        }

        Map<String, Double> during(Attack attack, Duration window) throws Exception {
            attack.start();
            try {
                Thread.sleep(1_000); // let the attack build up
                return measure(window);
            } finally {
                attack.stop();
            }
        }

        Map<String, Double> measure(Duration window) {
            counts.clear();
            long start = System.nanoTime();
            long end = start + window.toNanos();
            while (System.nanoTime() < end) {
                round();
            }
            double s = (System.nanoTime() - start) / 1e9;
            Map<String, Double> rates = new TreeMap<>();
            for (String k : List.of("api", "git", "whoami")) {
                rates.put(k, counts.getOrDefault(k, 0L) / s);
            }
            rates.put("git503", (double) counts.getOrDefault("git503", 0L));
            rates.put("failed", (double) counts.getOrDefault("failed", 0L));
            return rates;
        }

        void round() {
            count("api", get("/api/contracts", null));
            int g = get("/git/contracts.git/info/refs?service=git-upload-pack", null);
            count(g == 503 ? "git503" : "git", g == 503 ? 200 : g);
            count("whoami", get("/api/whoami", "Basic " + b64(USER + ":" + PASSWORD)));
        }

        private void count(String what, int status) {
            counts.merge(status == 200 ? what : "failed", 1L, Long::sum);
        }

        private int get(String path, String authorization) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private interface Attack {
        void start();

        void stop() throws InterruptedException;

        String summary();
    }

    /** Threads sending the same kind of request over fresh connections from one source address, as fast as answered. */
    private static final class Flood implements Attack {
        private final int port;
        private final String source;
        private final int threads;
        private final java.util.function.IntFunction<String> request;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final List<Thread> running = new ArrayList<>();
        private long started;
        private long stopped;

        Flood(int port, String source, int threads, java.util.function.IntFunction<String> request) {
            this.port = port;
            this.source = source;
            this.threads = threads;
            this.request = request;
        }

        @Override
        public void start() {
            started = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        int status = send(request.apply(id * 1_000_000 + i));
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                    }
                }, "flood-" + t);
                th.setDaemon(true);
                th.start();
                running.add(th);
            }
        }

        private int send(String req) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                return status(s.getInputStream());
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public void stop() throws InterruptedException {
            stopped = System.nanoTime();
            stop.set(true);
            for (Thread t : running) {
                t.join(40_000);
            }
        }

        @Override
        public String summary() {
            double s = (stopped - started) / 1e9;
            StringBuilder sb = new StringBuilder();
            statuses.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k < 0 ? "error" : k)
                    .append(": ").append(v.get()).append(String.format(" (%.0f/s)", v.get() / s)));
            return sb.toString();
        }
    }

    /** Connections sending a git-upload-pack body one byte at a time, reconnecting when the server closes them. */
    private static final class SlowLoris implements Attack {
        private final int port;
        private final String source;
        private final Socket[] sockets;
        private final Duration every;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong connects = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private final AtomicLong cut = new AtomicLong();
        private Thread thread;

        SlowLoris(int port, String source, int connections, Duration every) {
            this.port = port;
            this.source = source;
            this.sockets = new Socket[connections];
            this.every = every;
        }

        @Override
        public void start() {
            thread = new Thread(this::run, "slow-loris");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            byte[] buf = new byte[64];
            while (!stop.get()) {
                for (int i = 0; i < sockets.length; i++) {
                    if (sockets[i] == null) {
                        sockets[i] = open();
                    }
                }
                for (long waited = 0; waited < every.toMillis() && !stop.get(); waited += 100) {
                    sleep(100);
                }
                for (int i = 0; i < sockets.length; i++) {
                    Socket s = sockets[i];
                    if (s == null) {
                        continue;
                    }
                    try {
                        int n;
                        try {
                            n = s.getInputStream().read(buf);
                        } catch (SocketTimeoutException e) {
                            s.getOutputStream().write('0');
                            continue;
                        }
                        String head = n > 0 ? new String(buf, 0, n, StandardCharsets.ISO_8859_1) : "";
                        (head.startsWith("HTTP/1.1 503") ? refused : cut).incrementAndGet();
                    } catch (IOException e) {
                        cut.incrementAndGet();
                    }
                    close(s);
                    sockets[i] = null;
                }
            }
            for (Socket s : sockets) {
                close(s);
            }
        }

        private Socket open() {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(source, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(1);
                s.getOutputStream().write(("POST /git/contracts.git/git-upload-pack HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-git-upload-pack-request\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                connects.incrementAndGet();
                return s;
            } catch (IOException e) {
                close(s);
                return null;
            }
        }

        @Override
        public void stop() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }

        @Override
        public String summary() {
            return connects.get() + " connections: " + refused.get() + " answered 503, " + cut.get() + " cut off";
        }

        private static void close(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // gone
                }
            }
        }
    }

    private static String request(String method, String path, String headers) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n";
    }

    /** The status code of an HTTP/1.1 answer, read from its status line. */
    private static int status(InputStream in) throws IOException {
        byte[] line = new byte[32];
        int n = 0;
        while (n < 12) {
            int r = in.read(line, n, line.length - n);
            if (r < 0) {
                return -1;
            }
            n += r;
        }
        in.transferTo(OutputStreamSink.INSTANCE);
        return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    }

    /** Discards what it is given. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
