package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.SigningPayloads;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.SignedHeartbeat;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PrometheusText;
import dev.trustcontracts.testing.TestZone;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signed heartbeat end to end: a real repo-server publishing it, alice's agent fetching it over HTTP beside
 * main and judging it on its own (mutable) clock; and a hostile host (a plain repository) serving heartbeats that
 * must not count, each with its reason.
 */
class AgentHeartbeatTest extends AgentFixture {
    private static final String USER = "admin";
    private static final String PASSWORD = "correct horse battery staple";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_STALENESS = Duration.ofMinutes(10);

    private final MutableClock serverClock = new MutableClock();
    private final TestZone bob = TestZone.create("bob");

    private HeartbeatKey heartbeatKey(String name) throws Exception {
        HeartbeatKey k = HeartbeatKey.generate(KeyType.EC_P256, "heartbeat", Instant.now().minusSeconds(3600),
                Duration.ofDays(30));
        k.writeTo(tmp.resolve(name));
        return k;
    }

    /** A repo-server publishing heartbeats signed by the key in tmp/hb; it refreshes only when told (frozen). */
    private RepoServer server() throws Exception {
        Path hb = tmp.resolve("hb");
        RepoServerConfig config = RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().clock(serverClock)
                .heartbeat(new RepoServerConfig.HeartbeatOptions(hb.resolve(HeartbeatKey.KEY_FILE),
                        hb.resolve(HeartbeatKey.CERT_FILE), Duration.ofHours(12))).build();
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000), Set.of(), true);
        return RepoServer.start(config);
    }

    /** alice-bob on the server's main, pushed by an admin over Git smart HTTP. */
    private void pushAliceBob(RepoServer server) throws Exception {
        try (Git admin = Git.cloneRepository().setURI(server.gitUrl()).setDirectory(tmp.resolve("admin").toFile())
                .call()) {
            Path f = tmp.resolve("admin/contracts/alice-bob.yaml");
            Files.writeString(f, ContractCodec.toYaml(alice.contractWith("alice-bob", bob)));
            admin.add().addFilepattern(".").call();
            admin.commit().setMessage("alice-bob").setAuthor("admin", "admin@example.org")
                    .setCommitter("admin", "admin@example.org").setSign(false).call();
            for (PushResult r : admin.push().setCredentialsProvider(new UsernamePasswordCredentialsProvider(USER,
                    PASSWORD)).setRefSpecs(new RefSpec("HEAD:refs/heads/main")).call()) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    assertThat(u.getStatus()).as(u.getMessage()).isEqualTo(RemoteRefUpdate.Status.OK);
                }
            }
        }
    }

    private AgentConfig.Builder agentOf(String remote, boolean distrust) {
        return AgentConfig.builder(remote, alice.target(), out).channels(PkiPins.pin(alice)).clock(clock)
                .freshness(new FreshnessOptions(tmp.resolve("hb").resolve(HeartbeatKey.CERT_FILE), MAX_STALENESS,
                        distrust));
    }

    private static HttpResponse<String> get(AgentHttp http, String path) throws Exception {
        InetSocketAddress a = http.address();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static AgentHttp http(Agent agent, MutableClock clock) throws Exception {
        return new AgentHttp(new InetSocketAddress("127.0.0.1", 0), agent.status(), Duration.ofDays(1),
                Duration.ZERO, clock);
    }

    @Test
    void freshThenStaleOnAFrozenServerPeersLeaveAndComeBackWithAFreshHeartbeat() throws Exception {
        heartbeatKey("hb");
        String bobRoot = Fingerprint.of(bob.root);
        try (RepoServer server = server()) {
            pushAliceBob(server);
            try (Agent agent = new Agent(agentOf(server.gitUrl(), true).build()); AgentHttp http = http(agent, clock)) {
                CycleResult first = agent.runOnce();
                assertThat(first.ok()).as(first.toString()).isTrue();
                assertThat(Outputs.chain(out)).contains(bobRoot);
                HttpResponse<String> healthy = get(http, "/healthz");
                assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
                JsonNode hb = JSON.readTree(healthy.body()).get("heartbeat");
                assertThat(hb.get("stale").asBoolean()).isFalse();
                assertThat(hb.get("main_commit").asText()).isEqualTo(server.repository().main().name());
                assertThat(hb.get("sequence").asLong()).isEqualTo(server.heartbeat().last().sequence());
                assertThat(hb.get("issued_at").asText()).isEqualTo(server.heartbeat().last().issuedAt().toString());
                assertThat(hb.get("age_seconds").asLong()).isLessThan(MAX_STALENESS.toSeconds());
                assertThat(hb.get("peers_withheld").asBoolean()).isFalse();

                // the server stays frozen (no new heartbeat) while the agent's clock passes the bound
                clock.advance(MAX_STALENESS.plusMinutes(1));
                CycleResult stale = agent.runOnce();
                assertThat(stale.ok()).as(stale.toString()).isTrue();
                assertThat(stale.changed()).contains(OutputLayout.CHAIN);
                assertThat(Outputs.chain(out)).doesNotContain(bobRoot).contains(Fingerprint.of(alice.root()));
                HttpResponse<String> degraded = get(http, "/healthz");
                assertThat(degraded.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(degraded.body()).get("problems").toString())
                        .contains("heartbeat: the freshest counted heartbeat")
                        .contains("more than --max-staleness 600 s")
                        .contains("peers are withheld");
                PrometheusText.Scrape scrape = PrometheusText.parse(get(http, "/metrics").body());
                assertThat(scrape.value("trustctl_agent_heartbeat_stale", Map.of())).isEqualTo(1);
                assertThat(scrape.value("trustctl_agent_heartbeat_peers_withheld", Map.of())).isEqualTo(1);
                assertThat(scrape.value("trustctl_agent_heartbeat_age_seconds", Map.of()))
                        .isGreaterThan(MAX_STALENESS.toSeconds());
                assertThat(scrape.value("trustctl_agent_peers", Map.of())).isZero();

                // a fresh heartbeat from the server: the peers come back
                serverClock.advance(MAX_STALENESS.plusMinutes(1));
                server.heartbeat().publishQuietly();
                CycleResult fresh = agent.runOnce();
                assertThat(fresh.ok()).as(fresh.toString()).isTrue();
                assertThat(fresh.changed()).contains(OutputLayout.CHAIN);
                assertThat(Outputs.chain(out)).contains(bobRoot);
                assertThat(get(http, "/healthz").statusCode()).isEqualTo(200);
                assertThat(agent.status().heartbeat().peersWithheld()).isFalse();
            }
        }
    }

    @Test
    void withoutTheOptInAStaleAgentIsDegradedButKeepsItsPeers() throws Exception {
        heartbeatKey("hb");
        try (RepoServer server = server()) {
            pushAliceBob(server);
            try (Agent agent = new Agent(agentOf(server.gitUrl(), false).build())) {
                assertThat(agent.runOnce().ok()).isTrue();
                clock.advance(MAX_STALENESS.plusMinutes(1));
                assertThat(agent.runOnce().ok()).isTrue();
                assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));
                assertThat(agent.status().problems(clock.instant(), Duration.ofDays(1), Duration.ZERO))
                        .anyMatch(p -> p.startsWith("heartbeat: the freshest counted heartbeat"));
                assertThat(agent.status().heartbeat().peersWithheld()).isFalse();
            }
        }
    }

    @Test
    void withoutAHeartbeatCertNothingChanges() throws Exception {
        heartbeatKey("hb");
        try (RepoServer server = server()) {
            pushAliceBob(server);
            AgentConfig cfg = AgentConfig.builder(server.gitUrl(), alice.target(), out).channels(PkiPins.pin(alice))
                    .clock(clock).build();
            try (Agent agent = new Agent(cfg); AgentHttp http = http(agent, clock)) {
                assertThat(agent.runOnce().ok()).isTrue();
                clock.advance(MAX_STALENESS.multipliedBy(6)); // an agent with --heartbeat-cert would be stale
                assertThat(agent.runOnce().ok()).isTrue();
                assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));
                assertThat(agent.status().heartbeat()).isNull();
                // only main is fetched: no refs/trust/* in the clone
                try (Repository clone = new FileRepositoryBuilder().setGitDir(cfg.mirrorDir().toFile()).build()) {
                    assertThat(clone.getRefDatabase().getRefsByPrefix("refs/remotes/origin/trust/")).isEmpty();
                }
                JsonNode health = JSON.readTree(get(http, "/healthz").body());
                assertThat(health.has("heartbeat")).isFalse();
                assertThat(health.get("problems").toString()).doesNotContain("heartbeat");
                PrometheusText.Scrape scrape = PrometheusText.parse(get(http, "/metrics").body());
                assertThat(scrape.value("trustctl_agent_heartbeat_age_seconds", Map.of())).isEqualTo(-1);
                assertThat(scrape.value("trustctl_agent_heartbeat_stale", Map.of())).isZero();
            }
        }
    }

    /**
     * The freeze the heartbeat is for: a mirror keeps serving main with alice-bob after the primary revoked it, and
     * forwards the primary's current heartbeat. That heartbeat names a main the agent has not got: it does not count,
     * the agent is stale at once, and with the opt-in bob's root leaves chain.pem although the mirror still lists it.
     */
    @Test
    void aMirrorThatWithholdsARevocationCannotUseThePrimarysHeartbeat() throws Exception {
        heartbeatKey("hb");
        try (RepoServer server = server()) {
            pushAliceBob(server);
            Path mirror = tmp.resolve("mirror.git");
            try (Git m = Git.init().setBare(true).setDirectory(mirror.toFile()).setInitialBranch("main").call()) {
                m.fetch().setRemote(server.gitUrl()).setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"),
                        new RefSpec("+refs/trust/*:refs/trust/*")).call();
            }
            try (Agent agent = new Agent(agentOf(mirror.toUri().toString(), true).build())) {
                assertThat(agent.runOnce().ok()).isTrue();
                assertThat(agent.status().heartbeat().freshest()).isNotNull();
                assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));

                try (Git admin = Git.open(tmp.resolve("admin").toFile())) {
                    admin.rm().addFilepattern("contracts/alice-bob.yaml").call();
                    admin.commit().setMessage("revoke alice-bob").setAuthor("admin", "admin@example.org")
                            .setCommitter("admin", "admin@example.org").setSign(false).call();
                    for (PushResult r : admin.push().setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                            USER, PASSWORD)).setRefSpecs(new RefSpec("HEAD:refs/heads/main")).call()) {
                        assertThat(r.getRemoteUpdate("refs/heads/main").getStatus()).isEqualTo(RemoteRefUpdate.Status.OK);
                    }
                }
                String revoked = server.repository().main().name();
                assertThat(server.heartbeat().last().mainCommit()).isEqualTo(revoked);
                // the mirror withholds main but copies the heartbeat verbatim
                try (Git m = Git.open(mirror.toFile())) {
                    m.fetch().setRemote(server.gitUrl()).setRefSpecs(new RefSpec("+refs/trust/*:refs/trust/*")).call();
                }
                CycleResult r = agent.runOnce();
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(agent.status().heartbeat().freshest()).isNull();
                assertThat(agent.status().heartbeat().notCounted()).singleElement().asString()
                        .contains("main moved to " + revoked).contains("this agent has not got it");
                assertThat(agent.status().problems(clock.instant(), Duration.ofDays(1), Duration.ZERO))
                        .anyMatch(p -> p.startsWith("heartbeat: none counted"));
                assertThat(Outputs.chain(out)).doesNotContain(Fingerprint.of(bob.root));
            }
        }
    }

    /** A heartbeat a hostile host serves at refs/trust/heartbeat, made from the pinned key, another key and main. */
    record Forgery(String name, String reason, String message, Function<Forger, byte[]> file) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Forger(HeartbeatKey pinned, HeartbeatKey other, String main, Instant now) {
    }

    static Stream<Arguments> forgeries() {
        return Stream.of(
                new Forgery("signed by another key", "bad_signature", "does not verify with the pinned heartbeat key",
                        f -> f.other().signer().sign(new Heartbeat(f.main(), f.now(), 1))),
                new Forgery("dated in the future", "future", "after this agent's clock",
                        f -> f.pinned().signer().sign(new Heartbeat(f.main(), f.now().plus(Duration.ofHours(1)), 1))),
                new Forgery("for a main the agent does not have", "not_applied", "this agent has not got it",
                        f -> f.pinned().signer().sign(new Heartbeat("ab".repeat(20), f.now(), 1))),
                new Forgery("a contract signature by the heartbeat key", "not_a_heartbeat",
                        "signed by the heartbeat key but not a heartbeat statement", AgentHeartbeatTest::contractSignature),
                // a contract's .pb happens to parse as the envelope: its "signature" does not verify
                new Forgery("a contract file", "bad_signature", "does not verify with the pinned heartbeat key",
                        f -> ContractCodec.deterministicBytes(Contract.newBuilder()
                                .setBody(ContractBody.newBuilder().setName("alice-bob").setId("x")).build())),
                new Forgery("garbage bytes", "malformed", "not a heartbeat",
                        f -> new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 0x37}))
                .map(Arguments::of);
    }

    /** The bytes a contract signature covers, signed with the heartbeat key, in a heartbeat's envelope. */
    private static byte[] contractSignature(Forger f) {
        try {
            String alg = KeyType.EC_P256.signatureAlgorithm();
            byte[] payload = SigningPayloads.bytes(ContractBody.newBuilder().setName("alice-bob").setId("x").build(),
                    "alice", alg, Timestamp.newBuilder().setSeconds(f.now().getEpochSecond()).build(), List.of());
            return SignedHeartbeat.newBuilder().setStatement(ByteString.copyFrom(payload)).setAlgorithm(alg)
                    .setSignature(ByteString.copyFrom(Signatures.sign(alg, f.pinned().key(), payload))).build()
                    .toByteArray();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void aHostileHostsHeartbeatDoesNotCountAndSaysWhy(Forgery forgery) throws Exception {
        HeartbeatKey pinned = heartbeatKey("hb");
        HeartbeatKey other = heartbeatKey("other");
        repo.put(alice.contractWith("alice-bob", bob));
        String main = repo.remoteHead().name();
        publishAt(repo.bare, forgery.file().apply(new Forger(pinned, other, main, clock.instant())));
        try (Agent agent = new Agent(agentOf(repo.url(), true).build()); AgentHttp http = http(agent, clock)) {
            CycleResult r = agent.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(agent.status().heartbeat().freshest()).isNull();
            assertThat(agent.status().heartbeat().notCountedBy()).containsExactly(Map.entry(forgery.reason(), 1));
            assertThat(agent.status().heartbeat().notCounted()).singleElement().asString()
                    .contains("from " + repo.url()).contains(forgery.message());
            // none counts: stale from the start, and the peers are withheld
            assertThat(Outputs.chain(out)).doesNotContain(Fingerprint.of(bob.root));
            HttpResponse<String> health = get(http, "/healthz");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("heartbeat: none counted").contains(forgery.message());
            PrometheusText.Scrape scrape = PrometheusText.parse(get(http, "/metrics").body());
            assertThat(scrape.value("trustctl_agent_heartbeat_not_counted", Map.of("reason", forgery.reason())))
                    .isEqualTo(1);
            PrometheusText.assertDocumented(scrape, PrometheusText.documented(PrometheusText.doc("provider-agent.md"),
                    "Health and metrics"), Set.of("trustctl_agent_contract_effective_expiry_timestamp_seconds"));

            // the honest heartbeat replaces it: counted, the peers return
            publishAt(repo.bare, pinned.signer().sign(new Heartbeat(main, clock.instant(), 2)));
            CycleResult honest = agent.runOnce();
            assertThat(honest.ok()).as(honest.toString()).isTrue();
            assertThat(agent.status().heartbeat().freshest().sequence()).isEqualTo(2);
            assertThat(Outputs.chain(out)).contains(Fingerprint.of(bob.root));
        }
    }

    /** What the hostile host writes: a one-file commit at refs/trust/heartbeat, as the repo-server would. */
    private static void publishAt(Path bare, byte[] file) throws Exception {
        try (Repository r = new FileRepositoryBuilder().setGitDir(bare.toFile()).build();
                ObjectInserter ins = r.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append(Heartbeat.FILE, FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, file));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            PersonIdent who = new PersonIdent("host", "host@example.org");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("heartbeat\n");
            ObjectId commit = ins.insert(cb);
            ins.flush();
            RefUpdate ru = r.updateRef(Heartbeat.REF);
            ru.setNewObjectId(commit);
            ru.setForceUpdate(true);
            assertThat(ru.update()).isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED);
        }
    }
}
