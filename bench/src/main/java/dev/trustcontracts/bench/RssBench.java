package dev.trustcontracts.bench;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Resident memory of a repo-server process serving a repository of N contracts, after start (full scan)
 * and after every zone's certificates, the contract list and the JSON list were asked for. The server runs
 * in a child JVM with the flags {@code ./trustctl} uses, then with the JVM's defaults.
 *
 * <p>Arguments: {@code [contracts=10000]}.
 */
final class RssBench {
    private RssBench() {
    }

    static void run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        BenchRepos repos = new BenchRepos(40);
        Path dir = Files.createTempDirectory("bench-rss");
        repos.populate(dir, contracts);
        List<String> hashes = repos.zones.stream().map(z -> Fingerprint.of(z.root)).toList();
        System.out.printf("rss: repo-server child process, %d contracts, 40 zones%n", contracts);
        try {
            measure(dir, hashes, List.of("-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto"), "./trustctl flags");
            measure(dir, hashes, List.of("-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx256m"),
                    "same, -Xmx256m");
            measure(dir, hashes, List.of(), "JVM defaults");
        } finally {
            PushValidationBench.deleteTree(dir);
        }
    }

    private static void measure(Path dir, List<String> hashes, List<String> flags, String label) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Bench.class.getName());
        cmd.add("rss");
        cmd.add("--child");
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line;
            long start = System.nanoTime();
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("READY "));
            if (line == null) {
                throw new IllegalStateException("the child did not start");
            }
            double startSecs = (System.nanoTime() - start) / 1e9;
            String[] parts = line.split(" ");
            int http = Integer.parseInt(parts[1]);
            int grpc = Integer.parseInt(parts[2]);
            long afterStart = rssKiB(p.pid());
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", grpc, InsecureChannelCredentials.create()).build();
            try {
                var stub = ContractsServiceGrpc.newBlockingStub(ch);
                for (int round = 0; round < 3; round++) {
                    for (String h : hashes) {
                        stub.getCertificates(GetCertificatesRequest.newBuilder().setHash(h).build());
                    }
                    stub.withMaxInboundMessageSize(256 << 20).listContracts(ListContractsRequest.getDefaultInstance());
                }
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/api/contracts")).build(), HttpResponse.BodyHandlers.discarding());
            long afterRequests = rssKiB(p.pid());
            new ProcessBuilder("jcmd", Long.toString(p.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            Thread.sleep(500);
            long afterGc = rssKiB(p.pid());
            System.out.printf("  %-18s start %5.1f s   RSS after start %4d MiB, after requests %4d MiB, after a full GC %4d MiB%n",
                    label, startSecs, afterStart / 1024, afterRequests / 1024, afterGc / 1024);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long rssKiB(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** The server side: start on free ports, say where, then serve until killed. */
    private static void child(Path dir) throws Exception {
        RepoServer server = RepoServer.start(RepoServerConfig.ephemeral(dir));
        System.out.println("READY " + server.httpPort() + " " + server.grpcPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
