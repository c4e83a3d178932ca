package dev.trustcontracts.bench;

import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A full fetch (bare clone with the C git client) of the same repository from the repo-server's smart HTTP
 * and from C git's own {@code git daemon}, side by side, alternating, over loopback.
 *
 * <p>Arguments: {@code [contracts=1000] [rounds=7]}.
 */
final class FetchBench {
    private FetchBench() {
    }

    static void run(String[] args) throws Exception {
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        BenchRepos repos = new BenchRepos(40);
        Path dir = Files.createTempDirectory("bench-fetch");
        Path out = Files.createTempDirectory("bench-fetch-out");
        repos.populate(dir, contracts);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process daemon = new ProcessBuilder("git", "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1",
                "--port=" + port, "--base-path=" + dir.toAbsolutePath(), dir.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (RepoServer server = RepoServer.start(RepoServerConfig.ephemeral(dir))) {
            waitForPort(port);
            String http = server.gitUrl();
            String git = "git://127.0.0.1:" + port + "/contracts.git";
            List<Double> httpMs = new ArrayList<>();
            List<Double> daemonMs = new ArrayList<>();
            clone(http, out.resolve("warm-http"));
            clone(git, out.resolve("warm-git"));
            for (int i = 0; i < rounds; i++) {
                httpMs.add(clone(http, out.resolve("http" + i)));
                daemonMs.add(clone(git, out.resolve("git" + i)));
            }
            long size;
            try (var files = Files.walk(out.resolve("http0"))) {
                size = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            double h = median(httpMs);
            double d = median(daemonMs);
            System.out.printf("fetch: git clone --bare of %d contracts (%d KiB on disk), %d rounds, medians%n",
                    contracts, size / 1024, rounds);
            System.out.printf("  repo-server (smart HTTP) %8.0f ms   %s%n", h, httpMs);
            System.out.printf("  git daemon               %8.0f ms   %s%n", d, daemonMs);
            System.out.printf("  ratio repo-server / git daemon: %.2f%n", h / d);
        } finally {
            daemon.destroy();
            daemon.waitFor(5, TimeUnit.SECONDS);
            PushValidationBench.deleteTree(dir);
            PushValidationBench.deleteTree(out);
        }
    }

    private static double clone(String url, Path target) throws IOException, InterruptedException {
        long s = System.nanoTime();
        Process p = new ProcessBuilder("git", "clone", "--bare", "-q", url, target.toString())
                .redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("git clone " + url + " failed: " + outText);
        }
        double ms = (System.nanoTime() - s) / 1e6;
        return Math.round(ms * 10) / 10.0;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static void waitForPort(int port) throws InterruptedException, IOException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("git daemon did not start on port " + port);
    }
}
