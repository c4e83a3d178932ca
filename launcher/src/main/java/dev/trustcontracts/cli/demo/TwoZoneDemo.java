package dev.trustcontracts.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.agent.remote.CaBundleConnectionFactory;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.PeerCertificate;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The two-zone demo: a repo-server and, for alice and bob, a PKI, an agent and an mTLS service, all on
 * 127.0.0.1 under one directory. It walks a contract through its life and checks a real handshake at
 * every step: no trust, proposal, co-signature, merge, trust, revocation, no trust, replay refused.
 */
final class TwoZoneDemo implements AutoCloseable {
    static final String CONTRACT = "alice-bob";
    static final String BRANCH = "propose-alice-bob";
    private static final Duration STEP_DEADLINE = Duration.ofSeconds(30);

    private final Path dir;
    private final Narrator say;
    private final Duration pollInterval;
    private final List<AutoCloseable> open = new ArrayList<>();
    private RepoServer repo;
    private DemoZone alice;
    private DemoZone bob;
    private final String user = "admin";
    private final String bobOnChange;
    private final Duration pkiCheckEvery;
    private AdminClone aliceAdmin;
    private AdminClone bobAdmin;
    private DemoServerTls tls;
    private byte[] revokedFile;
    private final char[] password = randomPassword();

    TwoZoneDemo(Path dir, Narrator say, Duration pollInterval) {
        this(dir, say, pollInterval, null);
    }

    /** @param bobOnChange a command bob's agent runs after every change (the nginx suite reloads nginx) */
    TwoZoneDemo(Path dir, Narrator say, Duration pollInterval, String bobOnChange) {
        this(dir, say, pollInterval, bobOnChange, dev.trustcontracts.agent.AgentConfig.DEFAULT_PKI_CHECK_EVERY);
    }

    /** @param pkiCheckEvery how often the agents ask their PKIs for the roots (the rotation demo: seconds) */
    TwoZoneDemo(Path dir, Narrator say, Duration pollInterval, String bobOnChange, Duration pkiCheckEvery) {
        this.dir = dir;
        this.say = say;
        this.pollInterval = pollInterval;
        this.bobOnChange = bobOnChange;
        this.pkiCheckEvery = pkiCheckEvery;
    }

    DemoReport run() throws Exception {
        DemoReport report = new DemoReport();
        start();
        check(report, "no contract yet", false);

        propose();
        say.detail("merge now: %s", merge());
        cosign();
        Instant merged = Instant.now();
        say.detail("merge: %s", merge());
        say.say("both agents update (notified over gRPC WatchCertificates, verified locally)...");
        MtlsProbe.Result ok = awaitProbe(true);
        report.mergeToHandshake = Duration.between(merged, Instant.now());
        record(report, "after the merge", true, ok);
        say.detail("server %s, %d ms after the merge", ok.peerSubject(), report.mergeToHandshake.toMillis());
        mirrors(report);

        Instant deleted = Instant.now();
        revoke();
        MtlsProbe.Result revoked = awaitProbe(false);
        report.deleteToFailure = Duration.between(deleted, Instant.now());
        record(report, "after the revocation", false, revoked);

        replay(report);
        record(report, "after the replay", false, MtlsProbe.call(bob.service().port(), alice.out()));
        return report;
    }

    /** Alice's admin creates the contract, signs it and pushes a proposal branch. */
    void propose() throws Exception {
        say.say("alice's admin creates contract %s, signs it and pushes branch %s", CONTRACT, BRANCH);
        aliceAdmin = adminClone("alice");
        aliceAdmin.newBranch(BRANCH);
        aliceAdmin.write(CONTRACT, ContractDraft.create(CONTRACT, List.of(
                        new ContractDraft.Zone("alice", alice.ca.certificate(), ""),
                        new ContractDraft.Zone("bob", bob.ca.certificate(), "")),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofDays(7)));
        aliceAdmin.sign(CONTRACT, alice.admin);
        say.detail("push: %s (proposal branches may lack signatures)", aliceAdmin.commitAndPush("Propose " + CONTRACT));
    }

    /** Bob's admin fetches the proposal, co-signs it and pushes; then the proposal is merged. */
    void cosign() throws Exception {
        say.say("bob's admin fetches the proposal, co-signs it and pushes");
        bobAdmin = adminClone("bob");
        bobAdmin.checkout(BRANCH);
        bobAdmin.sign(CONTRACT, bob.admin);
        say.detail("push: %s", bobAdmin.commitAndPush("Co-sign " + CONTRACT + " for bob"));
        say.say("the proposal is merged into main");
    }

    /** Alice's admin deletes the contract file on main and pushes. */
    void revoke() throws Exception {
        say.say("alice's admin deletes contracts/%s.yaml on main and pushes: the contract is revoked", CONTRACT);
        aliceAdmin.checkout("main");
        revokedFile = Files.readAllBytes(aliceAdmin.file(CONTRACT));
        aliceAdmin.delete(CONTRACT);
        say.detail("push: %s", aliceAdmin.commitAndPush("Revoke " + CONTRACT));
    }

    /**
     * Pushes the revoked file back unchanged: the server refuses it (its id was removed from main's history),
     * so main and the agents stay where they were. The agents' own refusal of a replay, for Git servers that
     * validate nothing, is tested in provider-agent (AgentHistoryAttackTest, AgentCycleTest).
     */
    void replay(DemoReport report) throws Exception {
        say.say("someone pushes the deleted file back, unchanged (a replay)");
        Files.write(aliceAdmin.file(CONTRACT), revokedFile);
        report.replayPush = aliceAdmin.commitAndPush("Re-add " + CONTRACT);
        report.replayRefusal = aliceAdmin.lastPushMessage();
        say.detail("push: %s (%s)", report.replayPush, report.replayRefusal);
    }

    DemoZone alice() {
        return alice;
    }

    DemoZone bob() {
        return bob;
    }

    /** The repo-server's web and API address (https://). */
    String httpUrl() {
        return repo.httpUrl();
    }

    void start() throws Exception {
        say.say("starting on 127.0.0.1 under %s: a repo-server; for alice and bob a PKI, an agent, an mTLS service", dir);
        Path data = Files.createDirectories(dir.resolve("repo-server"));
        // TLS on every link: the repo-server's HTTPS and gRPC share a certificate from a demo-only CA
        tls = DemoServerTls.create(dir.resolve("repo-server-tls"));
        RepoServerConfig config = RepoServerConfig.builder(data).ephemeralPorts().tls(tls.certFile(), tls.keyFile()).build();
        // the demo's operator is a repository admin (docs/repo-server.md: users, zones and authority)
        new UserStore(config.usersFile()).put(user, password, new PasswordHasher(), java.util.Set.of(), true);
        repo = RepoServer.start(config);
        open.add(repo);
        alice = DemoZone.create("alice", dir);
        open.add(alice);
        bob = DemoZone.create("bob", dir);
        open.add(bob);
        alice.startAgent(repo.gitUrl(), repo.grpcPort(), tls.caFile(), pollInterval, null, pkiCheckEvery);
        bob.startAgent(repo.gitUrl(), repo.grpcPort(), tls.caFile(), pollInterval, bobOnChange, pkiCheckEvery);
        await("the agents' first sync", () -> alice.agentReady() && bob.agentReady());
        alice.startService();
        bob.startService();
        say.detail("git %s   web/API %s   gRPC 127.0.0.1:%d (TLS, demo CA %s)", repo.gitUrl(), repo.httpUrl(),
                repo.grpcPort(), tls.caFile());
        say.detail("alice: PKI 127.0.0.1:%d, service %s   bob: PKI 127.0.0.1:%d, service %s",
                alice.pkiPort(), alice.service().url(), bob.pkiPort(), bob.service().url());
    }

    /** Alice's admin's clone, once {@link #propose} made it. */
    AdminClone aliceAdmin() {
        return aliceAdmin;
    }

    /** Bob's admin's clone, once {@link #cosign} made it. */
    AdminClone bobAdmin() {
        return bobAdmin;
    }

    /** The commit main is at on the repo-server now. */
    String mainCommit() throws IOException {
        return repo.repository().main().name();
    }

    private AdminClone adminClone(String zone) throws Exception {
        AdminClone c = AdminClone.clone(repo.gitUrl(), dir.resolve(zone).resolve("admin-clone"), ZoneBootstrap.adminName(zone),
                user, password, new CaBundleConnectionFactory(tls.trustManager()));
        open.add(c);
        return c;
    }

    private void check(DemoReport report, String step, boolean expectOk) {
        record(report, step, expectOk, MtlsProbe.call(bob.service().port(), alice.out()));
    }

    private void record(DemoReport report, String step, boolean expectOk, MtlsProbe.Result r) {
        DemoReport.Check c = new DemoReport.Check(step, expectOk, r);
        report.checks.add(c);
        say.say("alice's client -> bob's service (%s): %s%s", step, r.ok() ? "handshake OK" : "handshake FAILED",
                c.asExpected() ? "" : "   <-- NOT AS EXPECTED");
        say.detail("%s", r.ok() ? "bob answered: " + r.response() : r.failure());
    }

    /** Probes until the handshake's outcome is {@code ok} or the step deadline passes. */
    private MtlsProbe.Result awaitProbe(boolean ok) throws InterruptedException {
        Instant deadline = Instant.now().plus(STEP_DEADLINE);
        MtlsProbe.Result r = MtlsProbe.call(bob.service().port(), alice.out());
        while (r.ok() != ok && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(50);
            r = MtlsProbe.call(bob.service().port(), alice.out());
        }
        return r;
    }

    void await(String what, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(STEP_DEADLINE);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + STEP_DEADLINE.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** POST /api/proposals/{branch}/merge as the admin user, for the demo's proposal branch. */
    String merge() throws IOException, InterruptedException, GeneralSecurityException {
        return merge(BRANCH);
    }

    /** POST /api/proposals/{branch}/merge as the admin user; returns the server's answer ("200 merged as ..."). */
    String merge(String branch) throws IOException, InterruptedException, GeneralSecurityException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + new String(password))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(repo.httpUrl() + "/api/proposals/" + branch + "/merge"))
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> resp = https().send(req, HttpResponse.BodyHandlers.ofString());
        return resp.statusCode() + " " + summarize(resp.body()).replace('\n', ' ');
    }

    private static String summarize(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            if (n.has("problems") && n.get("problems").size() > 0) {
                List<String> lines = new ArrayList<>();
                n.get("problems").forEach(p -> lines.add(p.has("text") ? p.get("text").asText() : p.toString()));
                return "refused: " + String.join("; ", lines);
            }
            if (n.has("error")) {
                return n.get("error").asText();
            }
            return n.has("commit") ? "merged as " + n.get("commit").asText().substring(0, 12) : json;
        } catch (IOException | RuntimeException e) {
            return json;
        }
    }

    /** Alice's peers as the JSON API and the gRPC mirror report them. */
    private void mirrors(DemoReport report) throws IOException, InterruptedException, GeneralSecurityException {
        HttpResponse<String> resp = https().send(
                HttpRequest.newBuilder(URI.create(repo.httpUrl() + "/api/certificates?name=alice")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> json = new ArrayList<>();
        new ObjectMapper().readTree(resp.body()).path("certificates").forEach(c -> json.add(c.path("hash").asText()));
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", repo.grpcPort(),
                TlsChannelCredentials.newBuilder().trustManager(tls.trustManager()).build()).build();
        try {
            report.grpcPeers = ContractsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getCertificates(GetCertificatesRequest.newBuilder().setName("alice").build())
                    .getCertificatesList().stream().map(PeerCertificate::getHash).toList();
        } finally {
            ch.shutdownNow();
        }
        report.jsonPeers = json;
        say.detail("mirror: alice's peers by JSON %s, by gRPC %s", short12(json), short12(report.grpcPeers));
    }

    /** GET a path of the JSON API over HTTPS; the body of a 200 answer. */
    String getJson(String path) throws IOException, InterruptedException, GeneralSecurityException {
        HttpResponse<String> resp = https().send(HttpRequest.newBuilder(URI.create(repo.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + resp.statusCode() + " " + resp.body());
        }
        return resp.body();
    }

    /** The peers' root hashes of the zone with root {@code hash}, as the JSON API and the gRPC mirror list them. */
    List<List<String>> peersByHash(String hash) throws IOException, InterruptedException, GeneralSecurityException {
        List<String> json = new ArrayList<>();
        new ObjectMapper().readTree(getJson("/api/certificates?hash=" + hash)).path("certificates")
                .forEach(c -> json.add(c.path("hash").asText()));
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", repo.grpcPort(),
                TlsChannelCredentials.newBuilder().trustManager(tls.trustManager()).build()).build();
        try {
            List<String> grpc = ContractsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getCertificates(GetCertificatesRequest.newBuilder().setHash(hash).build())
                    .getCertificatesList().stream().map(PeerCertificate::getHash).toList();
            return List.of(List.copyOf(json), grpc);
        } finally {
            ch.shutdownNow();
        }
    }

    /** An HTTPS client that trusts exactly the demo's repo-server CA. */
    private HttpClient https() throws IOException, GeneralSecurityException {
        return HttpClient.newBuilder().sslContext(tls.sslContext()).build();
    }

    /** The first 12 hex digits of a root hash, as the narration shows them. */
    static String short12(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }

    static List<String> short12(List<String> hashes) {
        return hashes.stream().map(TwoZoneDemo::short12).toList();
    }

    /** Leaves everything running and prints where it is. */
    void printEndpoints() {
        say.say("still running (Ctrl-C to stop and clean up):");
        say.detail("web page + JSON API  %s/   (for example curl --cacert %s %s/api/contracts)", repo.httpUrl(),
                tls.caFile(), repo.httpUrl());
        // GIT_SSL_CAINFO rather than -c http.sslCAInfo: the variable overrides the option when both are set
        say.detail("git                  %s   (push as %s / %s; GIT_SSL_CAINFO=%s git clone %s)", repo.gitUrl(),
                user, new String(password), tls.caFile(), repo.gitUrl());
        say.detail("gRPC mirror          127.0.0.1:%d (TLS, trust %s)", repo.grpcPort(), tls.caFile());
        for (DemoZone z : List.of(alice, bob)) {
            say.detail("%-6s PKI 127.0.0.1:%d (TLS, agent pins %s), agent health http://%s/healthz, files %s, mTLS service %s",
                    z.name, z.pkiPort(), z.caFile(), hostPort(z.agent().httpAddress()), z.out(), z.service().url());
        }
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        open.clear();
    }

    private static char[] randomPassword() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }
}
