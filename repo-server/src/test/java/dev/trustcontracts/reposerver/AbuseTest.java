package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The abuses of issue 10, by real attack clients over loopback, bounded in count and time. */
class AbuseTest {
    @TempDir
    Path dir;

    @Test
    void slowLorisOnUploadPackLeavesOtherClientsServed() throws Exception {
        // few threads, so that without the Git slots 100 trickling bodies would hold every one of them
        ServerLimits limits = ServerLimits.builder().git(8, 4).threads(32)
                .dataRate(1_024, Duration.ofSeconds(1)).build();
        try (Fixture f = new Fixture(dir, RepoServerConfig.builder(dir.resolve("data")).ephemeralPorts().limits(limits).build())) {
            Git clone = seeded(f);
            String base = f.server.httpUrl();
            try (SlowLoris attack = new SlowLoris(f.server.httpPort(), "127.0.0.2", 100, Duration.ofMillis(500),
                    Duration.ofSeconds(15)).start()) {
                for (int i = 0; i < 100 && (attack.refused.get() < 50 || attack.cut.get() < 2); i++) {
                    Thread.sleep(100); // bounded: until the attack is in full swing, at most 10 s
                }
                for (int i = 0; i < 5; i++) {
                    assertThat(Http.get(base + "/api/contracts").status()).isEqualTo(200);
                    assertThat(Fixture.fetchMain(clone)).as("a fetch by a well-behaved client during the attack")
                            .isNotNull();
                }
                assertThat(attack.refused.get()).as("attack connections answered 503 at once").isGreaterThanOrEqualTo(50);
                assertThat(attack.cut.get()).as("attack connections cut off below the minimum data rate")
                        .isGreaterThanOrEqualTo(2);
            }
            String metrics = Http.get(base + "/metrics").body();
            assertThat(counter(metrics, "trustctl_server_git_too_slow_total")).isGreaterThanOrEqualTo(2);
            assertThat(counter(metrics, "trustctl_server_git_busy_total{scope=\"client\"")).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void fullGitSlotsAnswer503AtOnceAndTheRestOfTheServerAnswers() throws Exception {
        ServerLimits limits = ServerLimits.builder().git(2, 1).dataRate(0, Duration.ZERO).build();
        try (Fixture f = new Fixture(dir, RepoServerConfig.builder(dir.resolve("data")).ephemeralPorts().limits(limits).build())) {
            Git clone = seeded(f);
            String base = f.server.httpUrl();
            // two clients hold both Git slots with bodies that never come
            List<Socket> holders = new ArrayList<>();
            try {
                for (String source : new String[] {"127.0.0.2", "127.0.0.3"}) {
                    holders.add(holdGitSlot(f.server.httpPort(), source));
                }
                // bounded but generous: on a loaded machine the two requests may take a while to be dispatched
                for (int i = 0; i < 600 && !f.server.metrics().scrape().contains("trustctl_server_git_requests_active 2.0"); i++) {
                    Thread.sleep(50);
                }
                assertThat(f.server.metrics().scrape()).as("both Git slots held")
                        .contains("trustctl_server_git_requests_active 2.0");
                Http.Response busy = Http.get(base + "/git/contracts.git/info/refs?service=git-upload-pack");
                assertThat(busy.status()).isEqualTo(503);
                assertThat(busy.raw().headers().firstValue("Retry-After")).hasValue("2");
                assertThat(busy.body()).contains("too many Git requests");
                assertThatThrownBy(() -> Fixture.fetchMain(clone)).isInstanceOf(TransportException.class);
                assertThat(Http.get(base + "/healthz").status()).isEqualTo(200);
                assertThat(Http.get(base + "/api/contracts").status()).isEqualTo(200);
            } finally {
                for (Socket s : holders) {
                    s.close();
                }
            }
            Exception last = null;
            for (int i = 0; i < 100; i++) { // bounded: the server notices the closed sockets quickly
                try {
                    assertThat(Fixture.fetchMain(clone)).isNotNull();
                    last = null;
                    break;
                } catch (TransportException e) {
                    last = e;
                    Thread.sleep(50);
                }
            }
            assertThat(last).as("Git is served again once the slots are free").isNull();
        }
    }

    @Test
    void parallelGuessesForOneUserGetOneCheckAndThe429AtOnce() throws Exception {
        // a stopped clock: a blocked user stays blocked for the whole test, whatever the machine's speed
        RepoServerConfig config = RepoServerConfig.builder(dir.resolve("data")).ephemeralPorts()
                .clock(Clock.fixed(Instant.now(), ZoneOffset.UTC)).build();
        try (Fixture f = new Fixture(dir, config)) {
            String url = f.server.httpUrl() + "/api/whoami";
            int n = 16;
            int firstChecked = -1;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Http.Response>> guesses = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String password = "guess-" + i;
                    guesses.add(pool.submit(() -> {
                        go.await();
                        return Http.send("GET", url, Fixture.USER, password);
                    }));
                }
                go.countDown();
                int checked = 0;
                int throttled = 0;
                for (int i = 0; i < n; i++) {
                    Http.Response r = guesses.get(i).get();
                    if (r.status() == 401) {
                        checked++;
                        firstChecked = i;
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(429);
                        assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
                        throttled++;
                    }
                }
                assertThat(checked).as("guesses whose password was checked").isEqualTo(1);
                assertThat(throttled).isEqualTo(n - 1);
            } finally {
                pool.shutdownNow();
            }
            // the same wrong password again is answered 401 at once (a client retrying it learns nothing new)
            assertThat(Http.send("GET", url, Fixture.USER, "guess-" + firstChecked).status()).isEqualTo(401);
            // also through Git: C git and JGit get the same 429 for the blocked user
            Http.Response git = Http.send("GET", f.server.gitUrl() + "/info/refs?service=git-receive-pack",
                    Fixture.USER, "another guess");
            assertThat(git.status()).isEqualTo(429);
            assertThat(git.body()).startsWith("too many failed logins; retry in ");
        }
    }

    @Test
    void malformedHeadersAreNeitherUsersNorAWayToResetTheTable() throws Exception {
        RepoServerConfig config = RepoServerConfig.builder(dir.resolve("data")).ephemeralPorts()
                .clock(Clock.fixed(Instant.now(), ZoneOffset.UTC)).build();
        try (Fixture f = new Fixture(dir, config)) {
            String url = f.server.httpUrl() + "/api/whoami";
            assertThat(Http.send("GET", url, Fixture.USER, "first guess").status()).isEqualTo(401);
            assertThat(Http.send("GET", url, Fixture.USER, "second guess").status()).isEqualTo(429);
            double entries = counter(f.server.metrics().scrape(), "trustctl_server_logins_throttle_entries");

            String[] malformed = {"Basic !!!not-base64", "Basic " + b64("no colon at all"), "Basic " + b64("Upper Case:pw"),
                "Basic " + b64(":empty-name"), "Basic " + b64("x".repeat(300) + ":pw")};
            int n = 2_000;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> flood = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String header = malformed[i % malformed.length];
                    flood.add(pool.submit(() -> Http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", header).GET().build()).status()));
                }
                for (Future<Integer> r : flood) {
                    assertThat(r.get()).isEqualTo(400);
                }
            } finally {
                pool.shutdownNow();
            }
            String metrics = f.server.metrics().scrape();
            assertThat(counter(metrics, "trustctl_server_logins_refused_total{reason=\"malformed\"")).isEqualTo(n);
            assertThat(counter(metrics, "trustctl_server_logins_throttle_entries")).as("no entry added")
                    .isEqualTo(entries);
            assertThat(Http.send("GET", url, Fixture.USER, "third guess").status()).as("still blocked").isEqualTo(429);
        }
    }

    private static Git seeded(Fixture f) throws Exception {
        Git clone = f.cloneRepo("client");
        var id = Fixture.commit(clone, Fixture.fetchMain(clone).name(), change().contract("contracts/alice-bob.yaml",
                TestZone.signed("alice-bob", ALICE, BOB)));
        assertThat(Fixture.pushMain(clone, id).ok()).isTrue();
        return clone;
    }

    /** A Git request whose body never comes: it holds a Git slot until the connection closes. */
    private static Socket holdGitSlot(int port, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        s.getOutputStream().write(("POST /git/contracts.git/git-upload-pack HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-git-upload-pack-request\r\nContent-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of the first Prometheus sample whose line starts with {@code prefix}; 0 when none. */
    static double counter(String scrape, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^ ]* ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
