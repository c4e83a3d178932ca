package dev.trustcontracts.cli.demo;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustctl demo}: cross-zone trust appearing and disappearing with a Git file. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the two-zone demo on 127.0.0.1: a repo-server and, for zones alice and bob, a PKI, "
                + "an agent and an mTLS service. It proposes, co-signs, merges, revokes and replays a contract, "
                + "checking a real handshake at each step.",
                "With --rotate: lands the contract, then rotates alice's root and renews the contract while an mTLS "
                + "client loop from alice to bob runs, and counts failed handshakes.",
                "Exit 0 when every step turned out as expected."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--keep-running", description = "Leave everything up afterwards and print the URLs and ports; Ctrl-C stops.")
    boolean keepRunning;

    @Option(names = "--dir", description = "Work directory (default: a new temporary directory, deleted on exit).")
    Path dir;

    @Option(names = "--interval", converter = DurationConverter.class,
            description = "The agents' polling interval; they are also notified over gRPC (default: 5s; with --rotate "
                    + "2s, since an agent asks its PKI for its roots only in a cycle).")
    Duration interval;

    @Option(names = "--rotate", description = "The second scenario: a full rotation of alice's root (pki rotate start, "
            + "successor contract, switch, renewal from the new root, successor without the old root, finish) and a "
            + "contract renew, in real time, under an mTLS client loop from alice to bob that must not fail once; at "
            + "the end alice's old root must be in no bundle.")
    boolean rotate;

    @Override
    public Integer call() throws Exception {
        // The narration tells the story; the parts' own logs are kept to warnings (set before they log).
        dev.trustcontracts.cli.LogSetup.quiet();
        PrintWriter out = spec.commandLine().getOut();
        boolean temporary = dir == null;
        Duration poll = interval != null ? interval : rotate ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
        if (poll.isNegative() || poll.isZero()) {
            throw new dev.trustcontracts.cli.UserError("--interval must be positive", ExitCodes.USAGE);
        }
        Path work = temporary ? Files.createTempDirectory("trustctl-demo-") : Files.createDirectories(dir);
        RotationDemo rotation = rotate ? new RotationDemo(work, new Narrator(out), poll) : null;
        TwoZoneDemo demo = rotate ? rotation.zones() : new TwoZoneDemo(work, new Narrator(out), poll);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread cleanup = new Thread(() -> {
            if (rotation != null) {
                rotation.close(); // stops the client loop, then the zones
            }
            demo.close();
            if (temporary) {
                deleteTree(work);
            }
            stopped.countDown();
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (rotate) {
                return rotation(rotation, out, stopped);
            }
            DemoReport report = demo.run();
            boolean ok = report.allAsExpected() && report.jsonPeers.equals(report.grpcPeers);
            out.printf("%n%s: merge to working handshake %d ms, deletion to refused handshake %d ms%n",
                    ok ? "every step as expected" : "SOME STEPS WERE NOT AS EXPECTED",
                    report.mergeToHandshake.toMillis(), report.deleteToFailure.toMillis());
            if (keepRunning) {
                demo.printEndpoints();
                stopped.await();
            }
            return ok ? ExitCodes.OK : ExitCodes.FAILURE;
        } finally {
            if (!keepRunning) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
                cleanup.run();
            }
        }
    }

    /** Runs the rotation scenario and prints its result; a step that fails is one line and exit 1. */
    private Integer rotation(RotationDemo rotation, PrintWriter out, CountDownLatch stopped) throws InterruptedException {
        RotationReport r;
        try {
            r = rotation.run();
        } catch (Exception e) {
            out.printf("%nSTEP FAILED: %s%n", e.getMessage());
            out.flush();
            return ExitCodes.FAILURE;
        }
        out.printf("%nclient loop alice -> bob: %d handshakes in %.1f s (%.1f/s), %d failed%n", r.handshakes(),
                r.ran().toNanos() / 1e9, r.rate(), r.failures().size());
        r.failures().forEach(f -> out.println("  " + f));
        out.printf("  %d with alice's certificate from her old root, %d from her new root; %s%n", r.withOldRoot(),
                r.withNewRoot(), r.meanTimes());
        out.printf("alice's old root sha256:%s is in %s%n", r.oldRoot(), r.oldRootFoundIn().isEmpty()
                ? "no bundle: neither agent's chain.pem, ca.pem or truststore.p12, nor the repo-server's JSON or gRPC answers"
                : String.join(", ", r.oldRootFoundIn()));
        out.printf("%s%n", r.ok() ? "every step as expected: zero failed handshakes" : "SOME STEPS WERE NOT AS EXPECTED");
        out.flush();
        if (keepRunning) {
            rotation.zones().printEndpoints();
            stopped.await();
        }
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
