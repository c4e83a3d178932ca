package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Successor contracts through the real thing: a repo-server on 127.0.0.1 (port 0) with zone users, C git
 * clones pushing proposal branches, {@code trustctl contract renew|rotate|sign} run in those clones, merges
 * through the JSON API, and bob's real provider agent (certificates from bob's real PKI) reading main before
 * and after each merge.
 */
class SuccessorMergeTest {
    private static final String PASSWORD = "a password for the test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    PkiZone alice;
    PkiZone bob;
    RepoServer server;
    Agent bobAgent;
    Path bobOut;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        assumeTrue(CGit.available(), "C git is needed");
        alice = PkiZone.start(dir.resolve("alice-pki"), "alice");
        bob = PkiZone.start(dir.resolve("bob-pki"), "bob");
        alice.admin.writeTo(dir.resolve("alice-admin-key.pem"), dir.resolve("alice-admin.pem"));
        bob.admin.writeTo(dir.resolve("bob-admin-key.pem"), dir.resolve("bob-admin.pem"));
        RepoServerConfig config = RepoServerConfig.ephemeral(dir.resolve("server"));
        UserStore users = new UserStore(config.usersFile());
        PasswordHasher fast = new PasswordHasher(2_000);
        users.put("alice-ops", PASSWORD.toCharArray(), fast, Set.of("alice"), false);
        users.put("bob-ops", PASSWORD.toCharArray(), fast, Set.of("bob"), false);
        server = RepoServer.start(config);
        bobOut = dir.resolve("bob-agent");
        ChannelOptions pin = ChannelOptions.builder().pkiFingerprint(Fingerprint.of(bob.root())).build();
        bobAgent = new Agent(AgentConfig.builder(server.gitUrl(), bob.target(), bobOut).channels(pin)
                .interval(Duration.ofSeconds(30)).networkTimeout(Duration.ofSeconds(30)).build());
    }

    @AfterEach
    void stop() {
        if (bobAgent != null) {
            bobAgent.close();
        }
        if (server != null) {
            server.close();
        }
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void renewSwapsPredecessorAndSuccessorInOneMergeAndTheOldIdCannotComeBack() throws Exception {
        Path a = clone("alice-ops", "alice-work");
        Path b = clone("bob-ops", "bob-work");
        String oldId = predecessorOnMain(a);
        Path file = a.resolve("contracts/alice-bob.yaml");
        byte[] predecessorBytes = Files.readAllBytes(file);
        assertThat(contractsOnMain()).containsExactly(Map.entry("alice-bob", oldId));
        assertThat(syncBob()).contains(Fingerprint.of(alice.root()));

        Cli renew = Cli.run("contract", "renew", "alice-bob", "--repo", a.toString());
        assertThat(renew.exit()).as(renew.err()).isZero();
        Contract successor = read(file);
        String newId = successor.getBody().getId();
        assertThat(newId).isNotEqualTo(oldId).matches("[0-9a-f]{32}");
        assertThat(successor.getSignaturesList()).isEmpty();
        assertThat(successor.getBody().getParticipantsList()).extracting(Participant::getName, Participant::getHash)
                .containsExactlyElementsOf(ContractCodec.parse(predecessorBytes, ContractFormat.YAML).getBody()
                        .getParticipantsList().stream()
                        .map(p -> org.assertj.core.groups.Tuple.tuple(p.getName(), p.getHash())).toList());
        // the default window: the predecessor's 30 days, from now
        assertThat(Duration.between(Instant.ofEpochSecond(successor.getBody().getNotBefore().getSeconds()),
                Instant.ofEpochSecond(successor.getBody().getNotAfter().getSeconds()))).isEqualTo(Duration.ofDays(30));
        assertThat(renew.out()).contains("wrote " + file + ": successor of alice-bob, id " + newId + " (replaces id "
                + oldId + ")").contains("2. every listed root signs (2 signatures)")
                .contains("trustctl contract sign " + file + " --key ADMIN-KEY.pem --cert ADMIN.pem")
                .contains("git push origin HEAD:proposals/alice-bob-renew")
                .contains("POST /api/proposals/proposals/alice-bob-renew/merge");

        // one working-tree change: the same path, now the successor (git sees a modification, no second file)
        assertThat(git(a, "status", "--porcelain")).isEqualTo("M contracts/alice-bob.yaml");
        propose(a, "proposals/alice-bob-renew", "renew alice-bob");
        sign(a, "proposals/alice-bob-renew", "alice");
        git(b, "fetch", "-q", "origin");
        git(b, "checkout", "-q", "-b", "proposals/alice-bob-renew", "origin/proposals/alice-bob-renew");
        sign(b, "proposals/alice-bob-renew", "bob");

        // until the merge main holds the predecessor, and bob's agent the peer
        assertThat(contractsOnMain()).containsExactly(Map.entry("alice-bob", oldId));
        assertThat(syncBob()).contains(Fingerprint.of(alice.root()));
        String mainBefore = mainHead();

        HttpResponse<String> merged = merge("bob-ops", "proposals/alice-bob-renew");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        assertThat(JSON.readTree(merged.body()).get("merged").asBoolean()).isTrue();

        // main moved once, from the predecessor to the successor: it never held neither
        assertThat(contractsOnMain()).containsExactly(Map.entry("alice-bob", newId));
        var moved = server.repository().git().getRefDatabase().getReflogReader("refs/heads/main").getLastEntry();
        assertThat(moved.getOldId().name()).isEqualTo(mainBefore);
        assertThat(moved.getNewId().name()).isEqualTo(mainHead())
                .isEqualTo(JSON.readTree(merged.body()).get("commit").asText());
        assertThat(syncBob()).contains(Fingerprint.of(alice.root()));

        // replay: the predecessor, fully signed and not expired, pushed back over the successor
        git(a, "checkout", "-q", "main");
        git(a, "pull", "-q", "--ff-only", "origin", "main");
        Files.write(file, predecessorBytes);
        git(a, "commit", "-q", "-am", "bring alice-bob back");
        CGit.Run replay = CGit.run(a, "push", "origin", "HEAD:refs/heads/main");
        assertThat(replay.exit()).as(replay.out()).isNotZero();
        assertThat(replay.out()).contains("[replay]").contains(oldId);
        // and as a proposal: kept with a warning, its merge refused
        CGit.Run proposal = CGit.run(a, "push", "origin", "HEAD:refs/heads/proposals/alice-bob-back");
        assertThat(proposal.exit()).as(proposal.out()).isZero();
        assertThat(proposal.out()).contains("replay");
        HttpResponse<String> replayMerge = merge("alice-ops", "proposals/alice-bob-back");
        assertThat(replayMerge.statusCode()).as(replayMerge.body()).isEqualTo(409);
        assertThat(replayMerge.body()).contains("replay").contains(oldId);
        assertThat(contractsOnMain()).containsExactly(Map.entry("alice-bob", newId));
        assertThat(syncBob()).contains(Fingerprint.of(alice.root()));
    }

    @Test
    void rotationAddsTheNextRootThenDropsTheOldOneEachInOneMerge() throws Exception {
        Path a = clone("alice-ops", "alice-work");
        Path b = clone("bob-ops", "bob-work");
        predecessorOnMain(a);
        String oldRoot = Fingerprint.of(alice.root());
        assertThat(syncBob()).contains(oldRoot);

        Cli start = Cli.run("pki", "rotate", "start", "--dir", alice.dir.toString());
        assertThat(start.exit()).as(start.err()).isZero();
        CaLayout layout = new CaLayout(alice.dir);
        String nextRoot = Fingerprint.of(Pem.certificate(Files.readString(layout.nextCertificate())));

        Cli wrong = Cli.run("contract", "rotate", "alice-bob", "--repo", a.toString(), "--drop-old", "alice");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err().lines()).singleElement().asString().contains("participant alice of ")
                .contains("has no next root to promote");

        Cli rotate = Cli.run("contract", "rotate", "alice-bob", "--repo", a.toString(), "--participant",
                "alice=" + layout.nextCertificate());
        assertThat(rotate.exit()).as(rotate.err()).isZero();
        assertThat(rotate.out()).contains("every listed root signs (3 signatures)")
                .contains("alice with its next root sha256:" + nextRoot);
        propose(a, "proposals/alice-bob-rotate", "rotate alice-bob: alice's next root");
        sign(a, "proposals/alice-bob-rotate", "alice");
        git(b, "fetch", "-q", "origin");
        git(b, "checkout", "-q", "-b", "proposals/alice-bob-rotate", "origin/proposals/alice-bob-rotate");
        sign(b, "proposals/alice-bob-rotate", "bob");

        // two of three signatures: alice's next root has not agreed, so the merge is refused
        HttpResponse<String> early = merge("bob-ops", "proposals/alice-bob-rotate");
        assertThat(early.statusCode()).as(early.body()).isBetween(400, 499);
        assertThat(early.body()).contains("signature-missing").contains("next root");
        assertThat(syncBob()).containsExactlyInAnyOrder(Fingerprint.of(bob.root()), oldRoot);

        git(a, "pull", "-q", "--ff-only", "origin", "proposals/alice-bob-rotate");
        Path file = a.resolve("contracts/alice-bob.yaml");
        Cli signNext = Cli.run("contract", "sign", file.toString(), "--key", layout.nextPrivateKey().toString(),
                "--cert", layout.nextCertificate().toString());
        assertThat(signNext.exit()).as(signNext.err()).isZero();
        commitAndPush(a, "proposals/alice-bob-rotate", "sign alice-bob with alice's next root");
        HttpResponse<String> merged = merge("bob-ops", "proposals/alice-bob-rotate");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        assertThat(syncBob()).containsExactlyInAnyOrder(Fingerprint.of(bob.root()), oldRoot, nextRoot);

        // the end of the rotation: the next root becomes alice's only root
        git(a, "checkout", "-q", "main");
        git(a, "pull", "-q", "--ff-only", "origin", "main");
        Cli drop = Cli.run("contract", "rotate", "alice-bob", "--repo", a.toString(), "--drop-old", "alice");
        assertThat(drop.exit()).as(drop.err()).isZero();
        assertThat(drop.out()).contains("every listed root signs (2 signatures)")
                .contains("alice with its root sha256:" + nextRoot);
        propose(a, "proposals/alice-bob-drop", "rotate alice-bob: drop alice's old root");
        Cli signNew = Cli.run("contract", "sign", file.toString(), "--key", layout.nextPrivateKey().toString(),
                "--cert", layout.nextCertificate().toString());
        assertThat(signNew.exit()).as(signNew.err()).isZero();
        commitAndPush(a, "proposals/alice-bob-drop", "sign");
        git(b, "fetch", "-q", "origin");
        git(b, "checkout", "-q", "-b", "proposals/alice-bob-drop", "origin/proposals/alice-bob-drop");
        sign(b, "proposals/alice-bob-drop", "bob");
        HttpResponse<String> dropped = merge("alice-ops", "proposals/alice-bob-drop");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        Contract last = read(file);
        assertThat(last.getBody().getParticipants(0).getHash()).isEqualTo(nextRoot);
        assertThat(last.getBody().getParticipants(0).hasNext()).isFalse();
        assertThat(syncBob()).containsExactlyInAnyOrder(Fingerprint.of(bob.root()), nextRoot);
    }

    /**
     * "Renewals" that slip in a participant or a root that did not sign: pushed as proposals (they collect
     * signatures), but never merged, and main and bob's bundle keep the predecessor.
     */
    @Test
    void aRenewalThatAddsAParticipantOrChangesARootWithoutItsSignatureIsRefused() throws Exception {
        Path a = clone("alice-ops", "alice-work");
        String oldId = predecessorOnMain(a);
        Path file = a.resolve("contracts/alice-bob.yaml");
        ContractBody old = read(file).getBody();
        TestZone carol = TestZone.create("carol");
        TestZone mallory = TestZone.create("mallory");
        Instant now = TestZone.NOW.minus(Duration.ofHours(1)); // before every signed_at below

        // carol added, signed by alice and bob only
        List<ContractDraft.Zone> withCarol = new ArrayList<>(List.of(alice.zone(), bob.zone(), carol.zone()));
        Contract added = bob.sign(alice.sign(ContractDraft.successor(old, withCarol, now, Duration.ofDays(30))));
        refused(a, file, added, "proposals/sneak-carol", "[signature-missing] participant carol: has not signed");

        // carol appended after alice and bob signed the honest successor: their signatures no longer hold
        Contract honest = bob.sign(alice.sign(ContractDraft.successor(old, List.of(alice.zone(), bob.zone()), now,
                Duration.ofDays(30))));
        Contract appended = carol.sign(Contract.newBuilder().setBody(honest.getBody().toBuilder().addParticipants(
                Participant.newBuilder().setName("carol").setCertificate(Pem.encode(carol.root))
                        .setHash(Fingerprint.of(carol.root)))).build());
        appended = appended.toBuilder().addAllSignatures(honest.getSignaturesList()).build();
        refused(a, file, appended, "proposals/append-carol", "[signature-invalid] participant alice");

        // bob's root swapped for mallory's, "signed for bob" by bob's real admin (who chains to the old root)
        ContractDraft.Zone fakeBob = new ContractDraft.Zone("bob", mallory.root, "");
        Contract swapped = ContractDraft.successor(old, List.of(alice.zone(), fakeBob), now, Duration.ofDays(30));
        swapped = alice.sign(swapped);
        swapped = swapped.toBuilder().addSignatures(honest.getSignatures(1)).build();
        refused(a, file, swapped, "proposals/swap-bob", "participant bob");

        // bob given a next root (mallory's) that never signed: bob's current root and alice did
        ContractDraft.Zone bobWithNext = new ContractDraft.Zone("bob", bob.root(), "", mallory.root);
        Contract nextAdded = bob.sign(alice.sign(ContractDraft.successor(old, List.of(alice.zone(), bobWithNext), now,
                Duration.ofDays(30))));
        refused(a, file, nextAdded, "proposals/bob-next", "has not signed with its next root");

        assertThat(contractsOnMain()).containsExactly(Map.entry("alice-bob", oldId));
        assertThat(syncBob()).containsExactlyInAnyOrder(Fingerprint.of(bob.root()), Fingerprint.of(alice.root()));
    }

    @Test
    void rotateRefusesWhatCannotBeASuccessorInOneLine() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("checkout/contracts"));
        Path file = repo.resolve("alice-bob.yaml");
        Files.writeString(dir.resolve("alice-ca.pem"), Pem.encode(alice.root()));
        Files.writeString(dir.resolve("bob-ca.pem"), Pem.encode(bob.root()));
        Files.writeString(dir.resolve("leaf.pem"), Pem.encode(alice.admin.certificate()));
        TestZone next = TestZone.create("alice");
        Files.writeString(dir.resolve("next.pem"), Pem.encode(next.root));
        Files.writeString(dir.resolve("other.pem"), Pem.encode(TestZone.create("alice").root));
        assertThat(Cli.run("contract", "new", "--name", "alice-bob", "--participant", "alice=" + dir.resolve("alice-ca.pem"),
                "--participant", "bob=" + dir.resolve("bob-ca.pem"), "-o", file.toString()).exit()).isZero();
        String before = Files.readString(file);
        String checkout = dir.resolve("checkout").toString();

        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("--participant", "carol=" + dir.resolve("next.pem")),
                "carol is not a participant of alice-bob (" + file + " lists alice, bob)");
        cases.put(List.of("--participant", "alice=" + dir.resolve("alice-ca.pem")),
                "is alice's current root (sha256:" + Fingerprint.of(alice.root()) + "), not a next one");
        cases.put(List.of("--participant", "alice=" + dir.resolve("leaf.pem")),
                "is not a root CA certificate (basicConstraints does not say cA)");
        cases.put(List.of("--participant", "alice=" + dir.resolve("bob-ca.pem")),
                "that certificate is a root of participant bob");
        cases.put(List.of("--drop-old", "bob"), "participant bob of " + file + " has no next root to promote");
        cases.put(List.of("--drop-old", "zed"), "zed is not a participant of alice-bob");
        cases.put(List.of(), "give --participant NAME=NEXT.pem (a rotation starts) or --drop-old NAME (it ends)");
        cases.put(List.of("--participant", "alice=" + dir.resolve("next.pem"), "--drop-old", "alice"),
                "give either --participant alice=NEXT.pem");
        cases.put(List.of("--participant", "alice=" + dir.resolve("next.pem"), "--valid-for", "500d"),
                "--valid-for 500d is longer than the maximum contract window 400d");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of("contract", "rotate", "alice-bob", "--repo", checkout));
            args.addAll(c.getKey());
            Cli r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", c.getKey(), r.out()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines()).as("%s", c.getKey()).singleElement().asString().contains(c.getValue());
            assertThat(Files.readString(file)).as("nothing written for %s", c.getKey()).isEqualTo(before);
        }

        // a next root that is already there: one next root at a time
        assertThat(Cli.run("contract", "rotate", file.toString(), "--participant", "alice=" + dir.resolve("next.pem"))
                .exit()).isZero();
        String rotated = Files.readString(file);
        Cli second = Cli.run("contract", "rotate", file.toString(), "--participant", "alice=" + dir.resolve("other.pem"));
        assertThat(second.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(second.err()).contains("already lists a next root (sha256:" + Fingerprint.of(next.root) + ")");
        assertThat(Files.readString(file)).isEqualTo(rotated);
        // naming the next root again ends the rotation, as --drop-old does (pki rotate's guide after finish)
        Cli promote = Cli.run("contract", "rotate", file.toString(), "--participant", "alice=" + dir.resolve("next.pem"));
        assertThat(promote.exit()).as(promote.err()).isZero();
        Participant alicePart = read(file).getBody().getParticipants(0);
        assertThat(alicePart.getHash()).isEqualTo(Fingerprint.of(next.root));
        assertThat(alicePart.hasNext()).isFalse();

        Cli missing = Cli.run("contract", "renew", "nope", "--repo", checkout);
        assertThat(missing.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err().lines()).containsExactly("trustctl contract renew: no contract nope in "
                + repo + " (looked for nope.yaml, nope.yml, nope.pb)");
        Cli noRepo = Cli.run("contract", "renew", "alice-bob", "--repo", dir.toString());
        assertThat(noRepo.err()).contains(dir + " has no contracts/ directory");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** alice-bob made with contract new, signed by both admins, pushed to main by alice-ops; returns its id. */
    private String predecessorOnMain(Path a) throws Exception {
        Files.writeString(dir.resolve("alice-ca.pem"), Pem.encode(alice.root()));
        Files.writeString(dir.resolve("bob-ca.pem"), Pem.encode(bob.root()));
        Path file = a.resolve("contracts/alice-bob.yaml");
        Files.createDirectories(file.getParent());
        Cli created = Cli.run("contract", "new", "--name", "alice-bob", "--participant", "alice=" + dir.resolve("alice-ca.pem"),
                "--participant", "bob=" + dir.resolve("bob-ca.pem"), "--valid-for", "30d", "-o", file.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        for (String zone : List.of("alice", "bob")) {
            signFile(file, zone);
        }
        git(a, "add", "-A");
        git(a, "commit", "-q", "-m", "alice-bob");
        git(a, "push", "-q", "origin", "HEAD:refs/heads/main");
        return read(file).getBody().getId();
    }

    private void signFile(Path file, String zone) {
        Cli s = Cli.run("contract", "sign", file.toString(), "--key", dir.resolve(zone + "-admin-key.pem").toString(),
                "--cert", dir.resolve(zone + "-admin.pem").toString());
        assertThat(s.exit()).as(s.err()).isZero();
    }

    private void sign(Path work, String branch, String zone) throws IOException {
        signFile(work.resolve("contracts/alice-bob.yaml"), zone);
        commitAndPush(work, branch, "sign alice-bob for " + zone);
    }

    private void propose(Path work, String branch, String message) throws IOException {
        git(work, "checkout", "-q", "-b", branch);
        commitAndPush(work, branch, message);
    }

    private void commitAndPush(Path work, String branch, String message) throws IOException {
        git(work, "commit", "-q", "-am", message);
        git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
    }

    /** Writes {@code c} over the contract on a proposal branch: accepted as a proposal, never merged nor pushed to main. */
    private void refused(Path a, Path file, Contract c, String branch, String expected)
            throws IOException, InterruptedException {
        git(a, "checkout", "-q", "main");
        Files.writeString(file, ContractCodec.toYaml(c));
        git(a, "checkout", "-q", "-b", branch);
        git(a, "commit", "-q", "-am", "a renewal of alice-bob");
        CGit.Run direct = CGit.run(a, "push", "origin", "HEAD:refs/heads/main");
        assertThat(direct.exit()).as(direct.out()).isNotZero();
        assertThat(direct.out()).contains(expected);
        // a proposal may lack signatures, so it is kept and its merge refused; a signature that does not verify
        // is refused on any branch already
        CGit.Run proposal = CGit.run(a, "push", "origin", "HEAD:refs/heads/" + branch);
        HttpResponse<String> m = merge("alice-ops", branch);
        if (proposal.exit() == 0) {
            assertThat(m.statusCode()).as(m.body()).isEqualTo(422);
            assertThat(m.body()).contains(expected);
        } else {
            assertThat(proposal.out()).contains(expected);
            assertThat(m.statusCode()).as(m.body()).isEqualTo(404);
        }
        git(a, "checkout", "-q", "main");
    }

    private Path clone(String user, String name) throws IOException {
        Path work = dir.resolve(name);
        String url = server.gitUrl().replaceFirst("^http://", "http://" + user + ":" + PASSWORD.replace(" ", "%20") + "@");
        CGit.Run r = CGit.run(dir, "clone", "-q", url, work.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        if (CGit.run(work, "rev-parse", "--verify", "-q", "HEAD").exit() != 0) {
            git(work, "checkout", "-q", "-b", "main");
        }
        return work;
    }

    private static String git(Path work, String... args) throws IOException {
        CGit.Run r = CGit.run(work, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out().strip();
    }

    private static Contract read(Path file) throws Exception {
        return ContractCodec.parse(Files.readAllBytes(file), ContractFormat.YAML);
    }

    /** One full agent cycle; the roots in bob's chain.pem, in file order. */
    private List<String> syncBob() throws IOException {
        CycleResult r = bobAgent.runOnce();
        assertThat(r.ok()).as("bob's agent: %s", r).isTrue();
        Set<String> out = new LinkedHashSet<>();
        for (var cert : Pem.certificates(Files.readString(new OutputLayout(bobOut).chain(), StandardCharsets.US_ASCII))) {
            out.add(Fingerprint.of(cert));
        }
        return List.copyOf(out);
    }

    private Map<String, String> contractsOnMain() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/contracts")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : JSON.readTree(r.body()).get("contracts")) {
            out.put(c.get("name").asText(), c.get("id").asText());
        }
        return out;
    }

    private String mainHead() throws IOException {
        return server.repository().main().name();
    }

    private HttpResponse<String> merge(String user, String branch) throws IOException, InterruptedException {
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/proposals/" + branch + "/merge"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
