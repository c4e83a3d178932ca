package dev.trustcontracts.bench;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GetCertificates} requests per second and latency over loopback: a repo-server (a child JVM) with a
 * repository of contracts between 40 zones, and N client threads with blocking stubs asking for random
 * zones' peers by hash, each waiting for its answer before the next request (closed loop). Client and
 * server share the machine's cores.
 *
 * <p>Arguments: {@code [clients=1,16,64] [seconds=10] [contracts=1000] [channels=4] [zones=40]}. With 1,000
 * contracts between 40 zones every zone shares a contract with all 39 others (answers of about 30 KiB);
 * 400 contracts between 200 zones give each zone four peers (about 4 KiB).
 */
final class GetCertificatesBench {
    private GetCertificatesBench() {
    }

    static void run(String[] args) throws Exception {
        int[] clientCounts = Arrays.stream((args.length > 0 ? args[0] : "1,16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int contracts = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int channelCount = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int zoneCount = args.length > 4 ? Integer.parseInt(args[4]) : 40;
        BenchRepos repos = new BenchRepos(zoneCount);
        Path dir = Files.createTempDirectory("bench-certs");
        repos.populate(dir, contracts);
        List<String> hashes = repos.zones.stream().map(z -> Fingerprint.of(z.root)).toList();
        try (ServerProcess server = ServerProcess.start(dir, List.of("-Xss512k", "-XX:+UseSerialGC"))) {
            System.out.printf("get-certificates: %d contracts, %d zones, %d s per level after %d s warm-up, %d gRPC "
                    + "channels, loopback; 15 s JIT warm-up at the highest level first; the server is a child JVM (./trustctl flags) sharing the %d cores with "
                    + "the client%n", contracts, zoneCount, seconds, Math.min(seconds, 5), channelCount,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%8s %12s %10s %10s %10s %22s%n", "clients", "requests/s", "p50", "p99", "p99.9",
                    "server CPU/request");
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < channelCount; i++) {
                channels.add(Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort,
                        InsecureChannelCredentials.create()).directExecutor().build());
            }
            try {
                int answer = ContractsServiceGrpc.newBlockingStub(channels.get(0)).getCertificates(
                        GetCertificatesRequest.newBuilder().setHash(hashes.get(0)).build()).getSerializedSize();
                System.out.printf("answer size about %d bytes%n", answer);
                // a fresh server JVM: let the JIT compile the serving path before anything is measured
                load(channels, hashes, Arrays.stream(clientCounts).max().orElse(16), 15);
                for (int clients : clientCounts) {
                    load(channels, hashes, clients, Math.min(seconds, 5)); // warm-up
                    long cpu0 = server.cpuMillis();
                    LatencyHistogram h = load(channels, hashes, clients, seconds);
                    long cpu = server.cpuMillis() - cpu0;
                    System.out.printf("%8d %12.0f %7.2f ms %7.2f ms %7.2f ms %17.1f us%n", clients,
                            h.total() / (double) seconds, h.percentileMs(50), h.percentileMs(99), h.percentileMs(99.9),
                            cpu * 1000.0 / h.total());
                }
            } finally {
                for (ManagedChannel c : channels) {
                    c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            PushValidationBench.deleteTree(dir);
        }
    }

    /**
     * N closed-loop clients: each sends its next request when the answer to the last one arrived. Async stubs
     * on direct-executor channels keep the client's own cost low, so that the 2 shared cores go to the server.
     */
    private static LatencyHistogram load(List<ManagedChannel> channels, List<String> hashes, int clients, int seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(clients);
        List<LatencyHistogram> perClient = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            LatencyHistogram h = new LatencyHistogram();
            perClient.add(h);
            new Client(ContractsServiceGrpc.newStub(channels.get(t % channels.size())), hashes, h, stop, done).next();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await(30, TimeUnit.SECONDS);
        LatencyHistogram all = new LatencyHistogram();
        perClient.forEach(all::add);
        return all;
    }

    /** One client: a request at a time, the next one from the answer's callback. */
    private static final class Client implements io.grpc.stub.StreamObserver<GetCertificatesResponse> {
        private final ContractsServiceGrpc.ContractsServiceStub stub;
        private final List<String> hashes;
        private final LatencyHistogram histogram;
        private final AtomicBoolean stop;
        private final CountDownLatch done;
        private long sent;
        private int peers;

        Client(ContractsServiceGrpc.ContractsServiceStub stub, List<String> hashes, LatencyHistogram histogram,
               AtomicBoolean stop, CountDownLatch done) {
            this.stub = stub;
            this.hashes = hashes;
            this.histogram = histogram;
            this.stop = stop;
            this.done = done;
        }

        void next() {
            if (stop.get()) {
                done.countDown();
                return;
            }
            String hash = hashes.get(ThreadLocalRandom.current().nextInt(hashes.size()));
            sent = System.nanoTime();
            stub.getCertificates(GetCertificatesRequest.newBuilder().setHash(hash).build(), this);
        }

        @Override
        public void onNext(GetCertificatesResponse r) {
            peers = r.getCertificatesCount();
        }

        @Override
        public void onError(Throwable t) {
            System.err.println("request failed: " + t);
            done.countDown();
        }

        @Override
        public void onCompleted() {
            histogram.record(System.nanoTime() - sent);
            if (peers == 0) {
                onError(new IllegalStateException("no peers"));
                return;
            }
            next();
        }
    }
}
