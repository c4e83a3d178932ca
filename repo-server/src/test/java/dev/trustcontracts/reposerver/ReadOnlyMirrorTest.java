package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetContractRequest;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.proto.v1.ListContractsResponse;
import dev.trustcontracts.reposerver.mirror.MirrorStatus;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.PrometheusText;
import dev.trustcontracts.testing.TestZone;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.transport.PacketLineOut;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code repo-server --mirror-of}: a primary and mirrors in-process on 127.0.0.1, real Git (JGit and C git),
 * gRPC and HTTP. The mirror follows the primary through its watch stream and through polling, refuses every
 * write with one line, keeps serving its last good main when the primary is down or rewinds main, never
 * indexes what the primary serves invalid, copies the heartbeat ref, and rebuilds itself from nothing.
 */
class ReadOnlyMirrorTest {
    /** Long enough never to fire in a test that relies on the watch stream alone. */
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration OFTEN = Duration.ofMillis(200);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Fixture primary() throws IOException {
        Fixture fx = new Fixture(tmp.resolve("primary"));
        open.add(fx);
        return fx;
    }

    private RepoServer mirror(String name, MirrorOf of) throws IOException {
        RepoServer m = RepoServer.start(RepoServerConfig.ephemeral(tmp.resolve(name)).toBuilder().mirrorOf(of).build());
        open.add(m);
        return m;
    }

    private static MirrorOf polling(Fixture fx, Duration every) {
        return MirrorOf.of(fx.server.gitUrl()).withPollEvery(every);
    }

    /** Pushes a signed contract between the zones to the primary's main; returns the new main. */
    private static ObjectId pushContract(Fixture fx, String name, TestZone... zones) throws Exception {
        try (Git git = Git.cloneRepository().setURI(fx.server.gitUrl()).setBare(true)
                .setDirectory(fx.dir.resolve("push-" + name).toFile()).call()) {
            ObjectId main = Fixture.fetchMain(git);
            ObjectId c = Fixture.commit(git, main.name(), change()
                    .contract("contracts/" + name + ".yaml", TestZone.signed(name, zones)));
            assertThat(Fixture.pushMain(git, c).ok()).isTrue();
            return c;
        }
    }

    /** Waits for a condition a background fetch brings about: bounded, and no assertion on how long it took. */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String main(RepoServer s) {
        try {
            return s.repository().main().name();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode health(RepoServer s) {
        try {
            return Http.get(s.httpUrl() + "/healthz").json();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> contractNames(RepoServer s) throws Exception {
        Set<String> names = new java.util.TreeSet<>();
        Http.get(s.httpUrl() + "/api/contracts").json().get("contracts").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static ListContractsResponse grpcList(RepoServer s) throws InterruptedException {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", s.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            return ContractsServiceGrpc.newBlockingStub(ch).listContracts(ListContractsRequest.getDefaultInstance());
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMirrorServesThePrimarysMainOverGitGrpcAndJson() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, NEVER));

        try (Git clone = Git.cloneRepository().setURI(m.gitUrl()).setBare(true)
                .setDirectory(tmp.resolve("clone").toFile()).call()) {
            assertThat(clone.getRepository().resolve("refs/heads/main")).isEqualTo(head);
        }
        assertThat(contractNames(m)).containsExactly("alice-bob");
        ListContractsResponse list = grpcList(m);
        assertThat(list.getCommit()).isEqualTo(head.name());
        assertThat(list).isEqualTo(grpcList(fx.server));

        JsonNode health = Http.get(m.httpUrl() + "/healthz").json();
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("mirror").get("state").asText()).isEqualTo("following");
        assertThat(health.get("mirror").get("primary").asText()).isEqualTo(fx.server.gitUrl());
        assertThat(health.get("mirror").get("watch").asText()).isEqualTo("off");
        // the primary has no heartbeat: the fetch did not fail, and the mirror made none
        assertThat(m.repository().git().exactRef("refs/trust/heartbeat")).isNull();
        // the primary's health is unchanged
        assertThat(Http.get(fx.server.httpUrl() + "/healthz").body()).doesNotContain("mirror");
    }

    @Test
    void aChangeOnThePrimaryReachesTheMirrorThroughTheWatchStream() throws Exception {
        Fixture fx = primary();
        RepoServer m = mirror("mirror", polling(fx, NEVER).withWatch(new HostPort("127.0.0.1", fx.server.grpcPort())));
        MirrorStatus status = m.mirror().orElseThrow();
        await("the watch stream is open", status::watchConnected);
        assertThat(Http.get(m.httpUrl() + "/healthz").json().get("mirror").get("watch").asText()).isEqualTo("connected");

        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        await("the mirror's index has alice-bob", () -> m.index().current().contract("alice-bob").isPresent());
        assertThat(main(m)).isEqualTo(head.name());
        assertThat(m.index().current().commit()).isEqualTo(head.name());
    }

    @Test
    void withoutTheWatchStreamPollingFollowsAndTwoMirrorsAnswerAlike() throws Exception {
        Fixture fx = primary();
        RepoServer one = mirror("one", polling(fx, OFTEN));
        RepoServer two = mirror("two", polling(fx, OFTEN));
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        await("both mirrors at the new main", () -> main(one).equals(head.name()) && main(two).equals(head.name()));
        await("both indexes follow", () -> one.index().current().commit().equals(head.name())
                && two.index().current().commit().equals(head.name()));
        // behind a load balancer nothing per mirror shows in what clients read
        // (but the instant each built its index from that commit)
        JsonNode a = Http.get(one.httpUrl() + "/api/contracts").json();
        JsonNode b = Http.get(two.httpUrl() + "/api/contracts").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("generatedAt");
        ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("generatedAt");
        assertThat(a).isEqualTo(b);
        assertThat(contractNames(one)).containsExactly("alice-bob");
    }

    @Test
    void aPushToTheMirrorIsRefusedWithOneLineThroughCGitAndJGit() throws Exception {
        Fixture fx = primary();
        pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, NEVER));
        String line = "read-only mirror of " + fx.server.gitUrl() + ": push to the primary";

        try (Git clone = Git.cloneRepository().setURI(m.gitUrl()).setBare(true)
                .setDirectory(tmp.resolve("jgit").toFile()).call()) {
            ObjectId main = clone.getRepository().resolve("refs/heads/main");
            ObjectId c = Fixture.commit(clone, main.name(), change()
                    .contract("contracts/bob-carol.yaml", TestZone.signed("bob-carol", BOB, CAROL)));
            assertThatThrownBy(() -> Fixture.pushMain(clone, c)).isInstanceOf(TransportException.class)
                    .hasMessageContaining(line);
        }
        assertThat(main(m)).isEqualTo(main(fx.server));

        assumeTrue(CGit.available(), "C git is not installed");
        CGit.Run cloned = CGit.run(tmp, "clone", "-q", m.gitUrl(), "work");
        assertThat(cloned.exit()).as(cloned.out()).isZero();
        Path work = tmp.resolve("work");
        Files.writeString(work.resolve("contracts/bob-carol.yaml"),
                new String(Fixture.yaml(TestZone.signed("bob-carol", BOB, CAROL))));
        CGit.run(work, "add", "-A");
        CGit.run(work, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "a contract");
        String authed = m.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                + Fixture.PASSWORD.replace(" ", "%20") + "@");
        for (String url : List.of(m.gitUrl(), authed)) {
            CGit.Run push = CGit.run(work, "push", url, "HEAD:main");
            assertThat(push.exit()).isNotZero();
            assertThat(push.out()).contains("fatal: remote error: " + line).doesNotContain("Exception");
        }
        assertThat(main(m)).isEqualTo(main(fx.server));
    }

    /**
     * The attack on the filter: the receive-pack service named with a percent-encoded hyphen, which the servlet
     * decodes (and so serves) while a check of the raw URL does not match. A user of the mirror sends a real
     * push (commands and pack) that way; it is refused with the same line and main stays the primary's.
     */
    @Test
    void aPushWhoseServiceNameIsPercentEncodedIsRefusedToo() throws Exception {
        Fixture fx = primary();
        pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServerConfig config = RepoServerConfig.ephemeral(tmp.resolve("mirror")).toBuilder()
                .mirrorOf(polling(fx, NEVER)).build();
        // a mirror whose operator gave it users (for --private reads): one who may log in tries to push
        new UserStore(config.usersFile()).put(Fixture.USER, Fixture.PASSWORD.toCharArray(), new PasswordHasher(2_000),
                Set.of(), true);
        RepoServer m = RepoServer.start(config);
        open.add(m);
        String line = "read-only mirror of " + fx.server.gitUrl() + ": push to the primary";
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (Fixture.USER + ":" + Fixture.PASSWORD).getBytes(StandardCharsets.UTF_8));

        for (String service : List.of("git-receive%2Dpack", "git%2dreceive-pack")) {
            HttpRequest advertise = HttpRequest.newBuilder(URI.create(m.gitUrl() + "/info/refs?service=" + service))
                    .header("Authorization", basic).GET().build();
            Http.Response r = Http.send(advertise);
            assertThat(r.body()).as(service).contains("ERR " + line).doesNotContain("report-status");
        }
        try (Git clone = Git.cloneRepository().setURI(m.gitUrl()).setBare(true)
                .setDirectory(tmp.resolve("attacker").toFile()).call()) {
            Repository repo = clone.getRepository();
            ObjectId main = repo.resolve("refs/heads/main");
            ObjectId c = Fixture.commit(clone, main.name(), change()
                    .contract("contracts/bob-carol.yaml", TestZone.signed("bob-carol", BOB, CAROL)));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            PacketLineOut pkt = new PacketLineOut(body);
            pkt.writeString(main.name() + " " + c.name() + " refs/heads/main\0 report-status\n");
            pkt.end();
            try (PackWriter pw = new PackWriter(repo)) {
                pw.preparePack(NullProgressMonitor.INSTANCE, Set.of(c), Set.of(main));
                pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, body);
            }
            for (String path : List.of("/git-receive%2Dpack", "/git-receive%2dpack")) {
                HttpRequest push = HttpRequest.newBuilder(URI.create(m.gitUrl() + path))
                        .header("Authorization", basic)
                        .header("Content-Type", "application/x-git-receive-pack-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
                Http.Response r = Http.send(push);
                // JGit's error writer only speaks the protocol to a path it recognises raw: the line comes as a page
                assertThat(r.body()).as(path).contains(line).doesNotContain("unpack ok").doesNotContain("ok refs/");
            }
            assertThat(main(m)).isEqualTo(main(fx.server)).isNotEqualTo(c.name());
        }
    }

    @Test
    void theWriteApiIsRefusedWithOneLine() throws Exception {
        Fixture fx = primary();
        pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, NEVER));
        String line = "read-only mirror of " + fx.server.gitUrl() + ": merge and revoke on the primary";
        for (String[] call : List.of(new String[] {"DELETE", "/api/contracts/alice-bob"},
                new String[] {"POST", "/api/proposals/proposals/x/merge"},
                new String[] {"PUT", "/api/contracts/alice-bob"})) {
            for (String user : new String[] {null, Fixture.USER}) {
                Http.Response r = Http.send(call[0], m.httpUrl() + call[1], user, Fixture.PASSWORD);
                assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(403);
                assertThat(r.json().get("error").asText()).isEqualTo(line);
            }
        }
        assertThat(m.index().current().contract("alice-bob")).isPresent();
        // reads still work
        assertThat(Http.get(m.httpUrl() + "/api/contracts/alice-bob").status()).isEqualTo(200);
    }

    @Test
    void withThePrimaryDownTheMirrorKeepsServingAndHealthSaysSo() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        String metrics = m.httpUrl() + "/metrics";
        String url = fx.server.gitUrl();
        assertThat(PrometheusText.parse(Http.get(metrics).body())
                .value("trustctl_server_mirror_primary_reachable", Map.of())).isEqualTo(1);
        fx.server.close();

        await("health says the primary is unreachable", () -> health(m).get("mirror").get("state").asText()
                .equals("primary-unreachable"));
        JsonNode health = Http.get(m.httpUrl() + "/healthz").json();
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.get("mirror").get("problem").asText())
                .startsWith("cannot fetch from the primary " + url + ": ").doesNotContain("\n");
        assertThat(Http.get(m.httpUrl() + "/readyz").status()).isEqualTo(200);
        try (Git clone = Git.cloneRepository().setURI(m.gitUrl()).setBare(true)
                .setDirectory(tmp.resolve("clone").toFile()).call()) {
            assertThat(clone.getRepository().resolve("refs/heads/main")).isEqualTo(head);
        }
        assertThat(contractNames(m)).containsExactly("alice-bob");
        PrometheusText.Scrape scrape = PrometheusText.parse(Http.get(metrics).body());
        assertThat(scrape.value("trustctl_server_mirror_primary_reachable", Map.of())).isZero();
        assertThat(scrape.value("trustctl_server_mirror_fetches_total", Map.of("result", "failed"))).isPositive();
        assertThat(scrape.value("trustctl_server_mirror_last_success_timestamp_seconds", Map.of())).isPositive();
    }

    @Test
    void aPrimaryThatRewindsOrRewritesMainIsRefusedAndTheMirrorKeepsItsMain() throws Exception {
        Fixture fx = primary();
        ObjectId first = pushContract(fx, "alice-bob", ALICE, BOB);
        ObjectId second = pushContract(fx, "bob-carol", BOB, CAROL);
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        assertThat(main(m)).isEqualTo(second.name());
        Repository primaryRepo = fx.server.repository().git();

        // rewind: the primary's main moved back behind its own back (a withheld revocation looks like this)
        force(primaryRepo, first);
        MirrorStatus status = m.mirror().orElseThrow();
        await("the mirror refuses the rewound main", () -> status.state() == MirrorStatus.State.REFUSING);
        assertThat(status.problem()).startsWith("the primary " + fx.server.gitUrl() + " rewound or rewrote main: ")
                .contains("keeping " + second.name());
        assertThat(main(m)).isEqualTo(second.name());
        assertThat(contractNames(m)).containsExactly("alice-bob", "bob-carol");
        JsonNode health = Http.get(m.httpUrl() + "/healthz").json();
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.get("mirror").get("state").asText()).isEqualTo("refusing-primary");
        assertThat(health.get("mirror").get("primaryMain").asText()).isEqualTo(first.name());
        PrometheusText.Scrape scrape = PrometheusText.parse(Http.get(m.httpUrl() + "/metrics").body());
        assertThat(scrape.value("trustctl_server_mirror_refusing", Map.of())).isEqualTo(1);
        assertThat(scrape.value("trustctl_server_mirror_fetches_total", Map.of("result", "refused"))).isPositive();

        // rewrite: a sibling history that drops bob-carol
        ObjectId sibling;
        try (Git primaryGit = Git.wrap(primaryRepo)) {
            sibling = Fixture.commit(primaryGit, first.name(), change().put("README.md", "rewritten\n".getBytes()));
        }
        force(primaryRepo, sibling);
        await("the mirror reads the rewritten main", () -> sibling.name()
                .equals(health(m).get("mirror").get("primaryMain").asText()));
        assertThat(status.state()).isEqualTo(MirrorStatus.State.REFUSING);
        assertThat(main(m)).isEqualTo(second.name());
        try (Git clone = Git.cloneRepository().setURI(m.gitUrl()).setBare(true)
                .setDirectory(tmp.resolve("clone").toFile()).call()) {
            assertThat(clone.getRepository().resolve("refs/heads/main")).isEqualTo(second);
        }

        // the primary comes back to a descendant of the mirror's main: followed again
        force(primaryRepo, second);
        ObjectId third = pushContract(fx, "alice-carol", ALICE, CAROL);
        await("following again", () -> main(m).equals(third.name()) && status.state() == MirrorStatus.State.FOLLOWING);
    }

    private static void force(Repository repo, ObjectId to) throws IOException {
        RefUpdate u = repo.updateRef(Constants.R_HEADS + "main");
        u.setNewObjectId(to);
        u.setForceUpdate(true);
        assertThat(u.update()).isIn(RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
    }

    @Test
    void aContractWrittenIntoThePrimarysRepositoryBehindItsBackIsNotInTheMirrorsIndex() throws Exception {
        Fixture fx = primary();
        pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        Repository primaryRepo = fx.server.repository().git();
        ObjectId behind;
        try (Git primaryGit = Git.wrap(primaryRepo)) {
            // an unsigned contract and a forged one, committed straight into the bare repository: no push validation
            behind = Fixture.commit(primaryGit, main(fx.server), change()
                    .contract("contracts/bob-carol.yaml", TestZone.draft("bob-carol", BOB, CAROL)));
        }
        force(primaryRepo, behind);
        await("the mirror takes the main (it descends from its own)", () -> main(m).equals(behind.name())
                && m.index().current().commit().equals(behind.name()));
        assertThat(m.index().current().contract("bob-carol")).isEmpty();
        assertThat(contractNames(m)).containsExactly("alice-bob");
        assertThat(Http.get(m.httpUrl() + "/api/contracts/bob-carol").status()).isEqualTo(404);
        assertThat(grpcList(m).getContractsList()).extracting(c -> c.getPath())
                .containsExactly("contracts/alice-bob.yaml");
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", m.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            assertThatThrownBy(() -> ContractsServiceGrpc.newBlockingStub(ch)
                    .getContract(GetContractRequest.newBuilder().setName("bob-carol").build()))
                    .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("NOT_FOUND");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMirrorWhoseDataDirectoryIsDeletedRebuildsItselfAndARestartKeepsItsMain() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer first = mirror("mirror", polling(fx, NEVER));
        assertThat(main(first)).isEqualTo(head.name());
        first.close();
        open.remove(first);

        RepoServer restarted = mirror("mirror", polling(fx, NEVER));
        assertThat(main(restarted)).isEqualTo(head.name());
        restarted.close();
        open.remove(restarted);

        try (Stream<Path> all = Files.walk(tmp.resolve("mirror"))) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(tmp.resolve("mirror")).doesNotExist();
        RepoServer rebuilt = mirror("mirror", polling(fx, NEVER));
        assertThat(main(rebuilt)).isEqualTo(head.name());
        assertThat(contractNames(rebuilt)).containsExactly("alice-bob");
    }

    @Test
    void aFreshMirrorWhosePrimaryCannotBeReachedDoesNotStart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/git/contracts.git";
        assertThatThrownBy(() -> mirror("mirror", MirrorOf.of(url))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("mirror of " + url + ": no main to serve yet, and cannot fetch from the primary "
                        + url + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theHeartbeatRefIsCopiedVerbatimAndNeverMadeByTheMirror() throws Exception {
        Fixture fx = primary();
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        assertThat(m.repository().git().exactRef("refs/trust/heartbeat")).isNull();
        Repository primaryRepo = fx.server.repository().git();
        ObjectId beat = heartbeat(primaryRepo, "main was X at T, signed\n");
        await("the heartbeat is copied", () -> beat.equals(ref(m, "refs/trust/heartbeat")));
        assertThat(m.repository().git().getRefDatabase().getRefsByPrefix("refs/trust/")).hasSize(1);

        // served to clients as it came
        try (Git clone = Git.init().setBare(true).setDirectory(tmp.resolve("agent").toFile()).call()) {
            clone.fetch().setRemote(m.gitUrl()).setRefSpecs(new RefSpec("+refs/trust/*:refs/trust/*")).call();
            assertThat(clone.getRepository().resolve("refs/trust/heartbeat")).isEqualTo(beat);
        }

        ObjectId next = heartbeat(primaryRepo, "main was Y at T+1, signed\n");
        await("the next heartbeat is copied", () -> next.equals(ref(m, "refs/trust/heartbeat")));

        RefUpdate gone = primaryRepo.updateRef("refs/trust/heartbeat");
        gone.setForceUpdate(true);
        gone.delete();
        await("a heartbeat the primary dropped is dropped", () -> ref(m, "refs/trust/heartbeat") == null);
        assertThat(m.mirror().orElseThrow().state()).isEqualTo(MirrorStatus.State.FOLLOWING);
    }

    private static ObjectId heartbeat(Repository repo, String text) throws IOException {
        ObjectId blob;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            blob = ins.insert(Constants.OBJ_BLOB, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ins.flush();
        }
        RefUpdate u = repo.updateRef("refs/trust/heartbeat");
        u.setNewObjectId(blob);
        u.setForceUpdate(true);
        assertThat(u.update()).isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED);
        return blob;
    }

    private static ObjectId ref(RepoServer s, String name) {
        try {
            Ref r = s.repository().git().exactRef(name);
            return r == null ? null : r.getObjectId();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void proposalBranchesAreCopiedReadOnly() throws Exception {
        Fixture fx = primary();
        ObjectId proposal;
        try (Git git = fx.cloneRepo("proposer")) {
            ObjectId main = Fixture.fetchMain(git);
            proposal = Fixture.commit(git, main.name(), change()
                    .contract("contracts/alice-bob.yaml", TestZone.draft("alice-bob", ALICE, BOB)));
            assertThat(Fixture.push(git, Fixture.credentials(), false, proposal, "proposals/alice-bob").ok()).isTrue();
        }
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        assertThat(ref(m, "refs/heads/proposals/alice-bob")).isEqualTo(proposal);
        Http.Response view = Http.get(m.httpUrl() + "/api/proposals/proposals/alice-bob");
        assertThat(view.status()).as(view.body()).isEqualTo(200);

        try (Git git = Git.wrap(fx.server.repository().git())) {
            git.branchDelete().setBranchNames("proposals/alice-bob").setForce(true).call();
        }
        await("a branch the primary deleted is deleted", () -> ref(m, "refs/heads/proposals/alice-bob") == null);
    }

    @Test
    void theMirrorsMetricsAreTheDocumentedOnes() throws Exception {
        Fixture fx = primary();
        pushContract(fx, "alice-bob", ALICE, BOB); // the per-contract and per-root series exist only with one
        RepoServer m = mirror("mirror", polling(fx, NEVER));
        PrometheusText.Scrape scrape = PrometheusText.parse(Http.get(m.httpUrl() + "/metrics").body());
        Map<String, PrometheusText.Documented> docs = new HashMap<>(
                PrometheusText.documented(PrometheusText.doc("repo-server.md"), "Metrics"));
        docs.putAll(PrometheusText.documented(PrometheusText.doc("repo-server.md"), "Mirror metrics"));
        PrometheusText.assertDocumented(scrape, docs, Set.of());
        assertThat(scrape.value("trustctl_server_mirror_fetches_total", Map.of("result", "updated"))).isEqualTo(1);
        assertThat(scrape.value("trustctl_server_mirror_fetches_total", Map.of("result", "refused"))).isZero();
        assertThat(scrape.value("trustctl_server_mirror_watch_connected", Map.of())).isZero();
    }

    /**
     * An https primary that runs with --private: the mirror reaches its Git and its watch stream with the CA bundle
     * and the credentials file; without either, a fresh mirror does not start and says why in one line.
     */
    @Test
    void anHttpsPrivatePrimaryIsFollowedWithTheCaBundleAndTheCredentials() throws Exception {
        TestZone zone = TestZone.create("server-zone");
        KeyPair keys = KeyType.EC_P256.generate();
        X509Certificate cert = CertificateIssuer.issue(zone.root, zone.rootKeys.getPrivate(),
                new X500Name("CN=localhost"), keys.getPublic(), CertificateProfile.TLS,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(1)),
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        Path certFile = tmp.resolve("server.pem");
        Path keyFile = tmp.resolve("server.key");
        Path caFile = tmp.resolve("ca.pem");
        Files.writeString(certFile, Pem.encode(List.of(cert, zone.root)));
        Files.writeString(keyFile, Pem.encode(keys.getPrivate()));
        Files.writeString(caFile, Pem.encode(zone.root));
        Path creds = tmp.resolve("mirror-credentials");
        Files.writeString(creds, Fixture.USER + ":" + Fixture.PASSWORD + "\n");
        Fixture fx = new Fixture(tmp.resolve("primary"), RepoServerConfig.builder(tmp.resolve("primary/data"))
                .ephemeralPorts().tls(certFile, keyFile).privateRead(true).build());
        open.add(fx);
        String url = fx.server.gitUrl();
        assertThat(url).startsWith("https://");
        behindTheBack(fx, "alice-bob", ALICE, BOB);

        MirrorOf both = MirrorOf.of(url).withPollEvery(NEVER).withCaBundle(caFile).withCredentials(creds);
        assertThatThrownBy(() -> mirror("no-ca", both.withCaBundle(null))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("mirror of " + url + ": no main to serve yet, and cannot fetch from the primary")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // a server whose certificate is not from the --mirror-ca bundle (an impostor on the path) is refused too
        Path otherCa = tmp.resolve("other-ca.pem");
        Files.writeString(otherCa, Pem.encode(TestZone.create("impostor-zone").root));
        assertThatThrownBy(() -> mirror("other-ca", both.withCaBundle(otherCa))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("mirror of " + url + ": no main to serve yet, and cannot fetch from the primary")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> mirror("no-credentials", both.withCredentials(null))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("mirror of " + url + ": no main to serve yet, and cannot fetch from the primary")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        RepoServer m = mirror("mirror", both.withWatch(new HostPort("127.0.0.1", fx.server.grpcPort())));
        assertThat(m.index().current().contract("alice-bob")).isPresent();
        await("the TLS watch stream with the credentials is open", m.mirror().orElseThrow()::watchConnected);
        behindTheBack(fx, "bob-carol", BOB, CAROL);
        await("the ring brings bob-carol", () -> m.index().current().contract("bob-carol").isPresent());
    }

    /** Commits a signed contract straight into the primary's repository and lets its index publish it (its watch rings). */
    private static void behindTheBack(Fixture fx, String name, TestZone... zones) throws Exception {
        Repository repo = fx.server.repository().git();
        ObjectId next;
        try (Git git = Git.wrap(repo)) {
            next = Fixture.commit(git, fx.server.repository().main().name(), change()
                    .contract("contracts/" + name + ".yaml", TestZone.signed(name, zones)));
        }
        force(repo, next);
        fx.server.index().refresh();
        assertThat(fx.server.index().current().contract(name)).isPresent();
    }

    /** A primary that sends more than one push may carry is cut off mid-fetch; nothing of it is taken. */
    @Test
    void aFetchOverThePackSizeLimitIsCutOffAndTheMirrorKeepsItsMain() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = RepoServer.start(RepoServerConfig.ephemeral(tmp.resolve("mirror")).toBuilder()
                .gitLimits(new dev.trustcontracts.reposerver.git.GitHttp.Limits(4L << 20, 64 << 10, 100_000))
                .mirrorOf(polling(fx, OFTEN)).build());
        open.add(m);
        assertThat(main(m)).isEqualTo(head.name());
        byte[] noise = new byte[512 << 10];
        new java.util.Random(7).nextBytes(noise); // does not compress
        Repository primaryRepo = fx.server.repository().git();
        ObjectId big;
        try (Git primaryGit = Git.wrap(primaryRepo)) {
            big = Fixture.commit(primaryGit, head.name(), change().put("noise.bin", noise));
        }
        force(primaryRepo, big);
        MirrorStatus status = m.mirror().orElseThrow();
        await("the fetch is cut off", () -> status.state() == MirrorStatus.State.UNREACHABLE);
        assertThat(status.problem()).contains("the primary sent more than " + (64 << 10) + " bytes in one fetch");
        assertThat(main(m)).isEqualTo(head.name());
        assertThat(m.repository().git().getObjectDatabase().has(big)).isFalse();
    }

    /** A branch of the primary that points at a blob (written behind its back) is refused, and nothing moves. */
    @Test
    void aBranchThatIsNotACommitIsRefusedAndNothingMoves() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        RepoServer m = mirror("mirror", polling(fx, OFTEN));
        Repository primaryRepo = fx.server.repository().git();
        ObjectId blob;
        try (ObjectInserter ins = primaryRepo.newObjectInserter()) {
            blob = ins.insert(Constants.OBJ_BLOB, "not a commit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ins.flush();
        }
        RefUpdate u = primaryRepo.updateRef("refs/heads/proposals/evil");
        u.setNewObjectId(blob);
        assertThat(u.update()).isEqualTo(RefUpdate.Result.NEW);
        ObjectId next = pushContract(fx, "bob-carol", BOB, CAROL);
        MirrorStatus status = m.mirror().orElseThrow();
        await("the mirror refuses", () -> status.state() == MirrorStatus.State.REFUSING);
        assertThat(status.problem()).contains("refs/heads/proposals/evil: a branch must point at a commit")
                .endsWith("[not-a-commit]");
        assertThat(main(m)).as("nothing moves, main neither").isEqualTo(head.name()).isNotEqualTo(next.name());
        assertThat(ref(m, "refs/heads/proposals/evil")).isNull();
    }

    /** A restart while the primary is down serves the mirror's last good main at once, and says the primary is down. */
    @Test
    void aRestartWithThePrimaryDownServesTheLastGoodMain() throws Exception {
        Fixture fx = primary();
        ObjectId head = pushContract(fx, "alice-bob", ALICE, BOB);
        MirrorOf of = polling(fx, NEVER);
        RepoServer first = mirror("mirror", of);
        first.close();
        open.remove(first);
        fx.server.close();

        RepoServer restarted = mirror("mirror", of);
        assertThat(main(restarted)).isEqualTo(head.name());
        assertThat(contractNames(restarted)).containsExactly("alice-bob");
        await("health says the primary is unreachable", () -> health(restarted).get("mirror").get("state").asText()
                .equals("primary-unreachable"));
        assertThat(Http.get(restarted.httpUrl() + "/readyz").status()).isEqualTo(200);
    }
}
