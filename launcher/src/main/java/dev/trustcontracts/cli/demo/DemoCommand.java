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
                "Exit 0 when every step turned out as expected."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--keep-running", description = "Leave everything up afterwards and print the URLs and ports; Ctrl-C stops.")
    boolean keepRunning;

    @Option(names = "--dir", description = "Work directory (default: a new temporary directory, deleted on exit).")
    Path dir;

    @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "The agents' polling interval; they are also notified over gRPC (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() throws Exception {
        // The narration tells the story; the parts' own logs are kept to warnings (set before they log).
        dev.trustcontracts.cli.LogSetup.quiet();
        PrintWriter out = spec.commandLine().getOut();
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("trustctl-demo-") : Files.createDirectories(dir);
        TwoZoneDemo demo = new TwoZoneDemo(work, new Narrator(out), interval);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread cleanup = new Thread(() -> {
            demo.close();
            if (temporary) {
                deleteTree(work);
            }
            stopped.countDown();
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
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
