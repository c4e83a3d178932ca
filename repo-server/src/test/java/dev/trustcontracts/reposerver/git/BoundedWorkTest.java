package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes and proposals built to make the server work hard: thousands of paths sharing one blob, 20,000
 * files. The answers stay small and bounded, the big ones are refused before any file is read, and the
 * server keeps answering other requests. Sizes and counts are asserted, never times.
 */
class BoundedWorkTest {
    private static final int MAX_OUTPUT = 64 * 1024;

    @TempDir
    Path tmp;

    /** A clone with a commit on main that adds {@code n} paths under contracts/ all holding one unsigned contract. */
    private static String sharedBlobCommit(Path tmp, Fixture fx, int n) throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it these pushes through a real client are skipped");
        assertThat(CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work").exit()).isZero();
        Path work = tmp.resolve("work");
        Path file = tmp.resolve("one.yaml");
        Files.write(file, Fixture.yaml(TestZone.draft("shared", Fixture.ALICE, Fixture.BOB)));
        String blob = CGit.run(work, "hash-object", "-w", file.toString()).out().trim();
        StringBuilder index = new StringBuilder();
        for (int i = 0; i < n; i++) {
            index.append("100644 ").append(blob).append('\t').append("contracts/c").append(i).append(".yaml\n");
        }
        Path list = tmp.resolve("index-info");
        Files.writeString(list, index);
        CGit.Run add = sh(work, "git update-index --add --index-info < " + list);
        assertThat(add.exit()).as(add.out()).isZero();
        assertThat(CGit.run(work, "commit", "-qm", n + " paths, one blob").exit()).isZero();
        return authed(fx);
    }

    private static String authed(Fixture fx) {
        return fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                + Fixture.PASSWORD.replace(" ", "%20") + "@");
    }

    private static CGit.Run sh(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new CGit.Run(p.exitValue(), out);
    }

    private static long remoteLines(String out) {
        return out.lines().filter(l -> l.startsWith("remote:")).count();
    }

    @Test
    void threeThousandPathsSharingOneBlobAreRefusedEarlyWithOneLine() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            String url = sharedBlobCommit(tmp, fx, 3_000);
            long start = System.nanoTime();
            CGit.Run push = CGit.run(tmp.resolve("work"), "push", url, "HEAD:refs/heads/proposals/dups");
            System.out.printf("3,000 shared-blob paths, default limits: push answered in %d ms, %d bytes%n",
                    (System.nanoTime() - start) / 1_000_000, push.out().length());
            assertThat(push.exit()).isNotZero();
            assertThat(push.out().length()).isLessThan(MAX_OUTPUT);
            assertThat(push.out()).contains("remote: contracts/: [too-many-files] more than 1000 files under "
                    + "contracts/ added or changed at once (at most 1000); split the change");
            assertThat(remoteLines(push.out())).isLessThanOrEqualTo(3);
            assertThat(fx.server.repository().branch("proposals/dups")).isEmpty();
        }
    }

    @Test
    void twentyThousandFilesAreRefusedEarly() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            String url = sharedBlobCommit(tmp, fx, 20_000);
            long start = System.nanoTime();
            CGit.Run push = CGit.run(tmp.resolve("work"), "push", url, "HEAD:main");
            System.out.printf("20,000 paths: push answered in %d ms, %d bytes%n",
                    (System.nanoTime() - start) / 1_000_000, push.out().length());
            assertThat(push.exit()).isNotZero();
            assertThat(push.out()).contains("[too-many-files]").contains("[remote rejected] HEAD -> main");
            assertThat(remoteLines(push.out())).isLessThanOrEqualTo(3);
            assertThat(push.out().length()).isLessThan(MAX_OUTPUT);
        }
    }

    /**
     * With the per-push limit raised, every one of 3,000 paths is verified: the duplicate detection is linear
     * and the report shows the first 50 problems and a count, while the JSON API keeps answering.
     */
    @Test
    void manyDuplicatesUnderARaisedLimitGiveABoundedReportAndTheServerStaysResponsive() throws Exception {
        RepoServerConfig config = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts()
                .scanLimits(new ScanLimits(256 * 1024, 100_000, 5_000)).build();
        try (Fixture fx = new Fixture(tmp, config)) {
            String url = sharedBlobCommit(tmp, fx, 3_000);
            HttpClient http = HttpClient.newHttpClient();
            long start = System.nanoTime();
            CompletableFuture<CGit.Run> push = CompletableFuture.supplyAsync(() -> {
                try {
                    return CGit.run(tmp.resolve("work"), "push", url, "HEAD:refs/heads/proposals/dups");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            AtomicInteger answeredDuringPush = new AtomicInteger();
            long firstAnswer = -1;
            for (int i = 0; i < 10_000 && !push.isDone(); i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(fx.server.httpUrl() + "/api/contracts")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                if (!push.isDone()) {
                    answeredDuringPush.incrementAndGet();
                    if (firstAnswer < 0) {
                        firstAnswer = (System.nanoTime() - t) / 1_000_000;
                    }
                }
                Thread.sleep(20);
            }
            CGit.Run out = push.get(300, TimeUnit.SECONDS);
            System.out.printf("3,000 shared-blob paths, limit raised: push answered in %d ms, %d bytes; "
                            + "%d GET /api/contracts answered meanwhile (first in %d ms)%n",
                    (System.nanoTime() - start) / 1_000_000, out.out().length(), answeredDuringPush.get(), firstAnswer);
            assertThat(out.exit()).isNotZero();
            assertThat(out.out().length()).isLessThan(MAX_OUTPUT);
            long problemLines = out.out().lines().filter(l -> l.startsWith("remote: contracts/")).count();
            assertThat(problemLines).isEqualTo(PushReport.MAX_PROBLEMS);
            assertThat(out.out()).containsPattern("remote: \\.\\.\\. and \\d+ more problems \\(the first 50 are shown\\)")
                    .contains("remote: error: proposals/dups: the proposal is not valid")
                    .contains("is also used by contracts/c")
                    .contains("other files");
            assertThat(answeredDuringPush.get()).as("GET /api/contracts answered while the push was judged")
                    .isPositive();
        }
    }
}
