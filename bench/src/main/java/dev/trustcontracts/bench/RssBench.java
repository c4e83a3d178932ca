package dev.trustcontracts.bench;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (ServerProcess server = ServerProcess.start(dir, flags)) {
            long afterStart = server.rssKiB();
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort,
                    InsecureChannelCredentials.create()).build();
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
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort
                    + "/api/contracts")).build(), HttpResponse.BodyHandlers.discarding());
            long afterRequests = server.rssKiB();
            new ProcessBuilder("jcmd", Long.toString(server.process.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            Thread.sleep(500);
            long afterGc = server.rssKiB();
            System.out.printf("  %-18s start %5.1f s   RSS after start %4d MiB, after requests %4d MiB, after a full GC %4d MiB%n",
                    label, server.startSeconds, afterStart / 1024, afterRequests / 1024, afterGc / 1024);
        }
    }

}
