package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proposal page's summary, the merge confirmation and the revoked-contract answer, through the real
 * server and real pushes: {@code GET /api/proposals/{branch}} {@code summary}, {@code POST .../merge?head=}
 * and {@code GET /api/contracts/{name}} for a contract no longer on main.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProposalPageApiTest {
    /** alice's next root (a rotation), bob's replacement root, and dave with an Ed25519 root. */
    static final TestZone ALICE_NEXT = TestZone.create("alice");
    static final TestZone BOB_NEW = TestZone.create("bob", KeyType.RSA);
    static final TestZone DAVE = TestZone.create("dave", KeyType.ED25519);

    @TempDir
    static Path tmp;
    Fixture fx;
    Git git;
    String base;
    Contract trio;

    @BeforeAll
    void start() throws Exception {
        fx = new Fixture(tmp);
        git = fx.cloneRepo("clone");
        base = fx.server.httpUrl();
        ObjectId main = Fixture.fetchMain(git);
        trio = TestZone.signed("trio", ALICE, BOB, CAROL);
        ObjectId c = Fixture.commit(git, main.name(), change()
                .contract("contracts/trio.yaml", trio)
                .contract("contracts/gone.yaml", TestZone.signed("gone", ALICE, BOB))
                .contract("contracts/pushed-out.yaml", TestZone.signed("pushed-out", BOB, CAROL))
                .contract("contracts/swapped.yaml", TestZone.signed("swapped", ALICE, CAROL)));
        assertThat(Fixture.pushMain(git, c).ok()).isTrue();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    JsonNode proposal(String branch) throws Exception {
        Http.Response r = Http.get(base + "/api/proposals/" + branch);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    ObjectId pushBranch(String parent, Fixture.Change change, String branch) throws Exception {
        ObjectId c = Fixture.commit(git, parent, change);
        Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), false, c, branch);
        assertThat(p.ok()).as(p.message() + " " + p.remote()).isTrue();
        return c;
    }

    static JsonNode find(JsonNode array, String field, String value, String field2, String value2) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value) && (field2 == null || n.path(field2).asText().equals(value2))) {
                return n;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " " + field2 + "=" + value2 + " in " + array);
    }

    /** A successor that rotates alice, replaces bob's root, drops carol and adds dave, partly signed. */
    @Test
    void summaryNamesEveryChangeSignerAndTheCommandEachMissingSignerRuns() throws Exception {
        ObjectId main = Fixture.fetchMain(git);
        List<ContractDraft.Zone> zones = new ArrayList<>();
        zones.add(new ContractDraft.Zone("alice", ALICE.root, "", ALICE_NEXT.root));
        zones.add(new ContractDraft.Zone("bob", BOB_NEW.root, ""));
        zones.add(DAVE.zone());
        Contract next = ContractDraft.successor(trio.getBody(), zones, TestZone.NOW.minus(Duration.ofHours(1)),
                Duration.ofDays(200));
        next = DAVE.sign(ALICE.sign(next)); // alice with her current root only; bob has not signed
        pushBranch(main.name(), change().contract("contracts/trio.yaml", next), "proposals/trio-rotate");

        JsonNode p = proposal("proposals/trio-rotate");
        assertThat(p.get("mergeable").asBoolean()).isFalse();
        JsonNode s = find(p.get("summary"), "path", "contracts/trio.yaml", null, null);
        assertThat(s.get("change").asText()).isEqualTo("changed");
        assertThat(s.get("idChanged").asBoolean()).isTrue();

        JsonNode who = s.get("participants");
        assertThat(who.get("added").toString()).isEqualTo("[\"dave\"]");
        assertThat(who.get("removed").toString()).isEqualTo("[\"carol\"]");
        assertThat(who.get("kept").toString()).isEqualTo("[\"alice\",\"bob\"]");

        JsonNode roots = s.get("roots");
        JsonNode aliceCurrent = find(roots, "participant", "alice", "role", "current");
        assertThat(aliceCurrent.get("change").asText()).isEqualTo("kept");
        JsonNode aliceNext = find(roots, "participant", "alice", "role", "next");
        assertThat(aliceNext.get("change").asText()).isEqualTo("added");
        assertThat(aliceNext.get("before").isNull()).isTrue();
        assertThat(aliceNext.get("after").asText()).isEqualTo(Fingerprint.of(ALICE_NEXT.root));
        JsonNode bob = find(roots, "participant", "bob", "role", "current");
        assertThat(bob.get("change").asText()).isEqualTo("changed");
        assertThat(bob.get("before").asText()).isEqualTo(Fingerprint.of(BOB.root));
        assertThat(bob.get("after").asText()).isEqualTo(Fingerprint.of(BOB_NEW.root));
        assertThat(bob.get("certificate").get("key").asText()).isEqualTo("RSA 3072");
        assertThat(bob.get("certificate").get("subject").asText()).isEqualTo("O=bob,CN=bob test root");
        JsonNode carol = find(roots, "participant", "carol", "role", "current");
        assertThat(carol.get("change").asText()).isEqualTo("dropped");
        assertThat(carol.get("after").isNull()).isTrue();
        assertThat(find(roots, "participant", "dave", "role", "current").get("change").asText()).isEqualTo("added");
        assertThat(find(roots, "participant", "dave", "role", "current").get("certificate").get("key").asText())
                .isEqualTo("Ed25519");

        JsonNode window = s.get("window");
        assertThat(window.get("before").get("notAfter").asText())
                .isEqualTo(TestZone.NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(365)).toString());
        assertThat(window.get("after").get("notAfter").asText())
                .isEqualTo(TestZone.NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(200)).toString());

        JsonNode aliceSig = find(s.get("signatures"), "participant", "alice", null, null);
        assertThat(aliceSig.get("root").asText()).isEqualTo(Fingerprint.of(ALICE.root));
        assertThat(aliceSig.get("role").asText()).isEqualTo("current");
        assertThat(aliceSig.get("status").asText()).isEqualTo("valid");
        assertThat(aliceSig.get("signer").get("subject").asText()).isEqualTo("CN=admin@alice");
        assertThat(aliceSig.get("signer").get("fingerprint").asText()).isEqualTo(Fingerprint.of(ALICE.signer));
        assertThat(aliceSig.get("signer").get("key").asText()).isEqualTo("EC P-256");
        JsonNode daveSig = find(s.get("signatures"), "participant", "dave", null, null);
        assertThat(daveSig.get("signer").get("fingerprint").asText()).isEqualTo(Fingerprint.of(DAVE.signer));
        assertThat(daveSig.get("signer").get("key").asText()).isEqualTo("Ed25519");

        // who still signs: alice with her next root, bob with his (new) root; dave has, carol is gone
        JsonNode coSign = s.get("coSign");
        assertThat(coSign).hasSize(2);
        JsonNode aliceCmd = find(coSign, "participant", "alice", null, null);
        assertThat(aliceCmd.get("role").asText()).isEqualTo("next");
        assertThat(aliceCmd.get("root").asText()).isEqualTo(Fingerprint.of(ALICE_NEXT.root));
        assertThat(aliceCmd.get("command").asText()).isEqualTo(
                "trustctl contract sign contracts/trio.yaml --key alice-next-admin-key.pem --cert alice-next-admin.pem");
        JsonNode bobCmd = find(coSign, "participant", "bob", null, null);
        assertThat(bobCmd.get("role").asText()).isEqualTo("current");
        assertThat(bobCmd.get("root").asText()).isEqualTo(Fingerprint.of(BOB_NEW.root));
        assertThat(bobCmd.get("command").asText()).isEqualTo(
                "trustctl contract sign contracts/trio.yaml --key bob-admin-key.pem --cert bob-admin.pem");
        assertThat(bobCmd.get("argv").get(0).asText()).isEqualTo("trustctl");
    }

    @Test
    void aNewContractIsAddedAndADeletedOneIsSummarisedAsRemoved() throws Exception {
        ObjectId main = Fixture.fetchMain(git);
        pushBranch(main.name(), change().delete("contracts/swapped.yaml")
                .contract("contracts/fresh.yaml", TestZone.draft("fresh", ALICE, BOB)), "proposals/swap");
        JsonNode p = proposal("proposals/swap");
        JsonNode fresh = find(p.get("summary"), "path", "contracts/fresh.yaml", null, null);
        assertThat(fresh.get("change").asText()).isEqualTo("added");
        assertThat(fresh.get("window").get("before").isEmpty()).isTrue();
        assertThat(fresh.get("participants").get("added").toString()).isEqualTo("[\"alice\",\"bob\"]");
        assertThat(fresh.get("signatures")).isEmpty();
        assertThat(fresh.get("coSign")).hasSize(2);
        JsonNode out = find(p.get("summary"), "path", "contracts/swapped.yaml", null, null);
        assertThat(out.get("change").asText()).isEqualTo("removed");
        assertThat(out.get("name").asText()).isEqualTo("swapped");
    }

    /**
     * The attack: a user reviews a fully signed proposal and confirms the merge; meanwhile someone pushes
     * another commit to the branch (here a second contract the reviewer never saw). The merge names the
     * head that was confirmed, so the server refuses it with 409 and main does not move.
     */
    @Test
    void aPushBetweenViewingAndConfirmingCannotSlipIntoMain() throws Exception {
        ObjectId main = Fixture.fetchMain(git);
        ObjectId reviewed = pushBranch(main.name(), change().contract("contracts/pair.yaml",
                TestZone.signed("pair", ALICE, BOB)), "proposals/pair");
        JsonNode viewed = proposal("proposals/pair");
        assertThat(viewed.get("mergeable").asBoolean()).isTrue();
        assertThat(viewed.get("commit").asText()).isEqualTo(reviewed.name());

        // the push the reviewer never saw: valid, signed, and not what was confirmed
        ObjectId sneaky = pushBranch(reviewed.name(), change().contract("contracts/sneaky.yaml",
                TestZone.signed("sneaky", ALICE, CAROL)), "proposals/pair");

        String url = base + "/api/proposals/proposals/pair/merge?head=" + viewed.get("commit").asText();
        Http.Response refused = Http.send("POST", url, Fixture.USER, Fixture.PASSWORD);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("error").asText()).isEqualTo("branch 'proposals/pair' moved since it was "
                + "confirmed: its head is " + sneaky.name() + ", not the confirmed " + reviewed.name()
                + "; review the proposal again before merging");
        assertThat(Fixture.fetchMain(git)).isEqualTo(main);
        assertThat(Http.get(base + "/api/contracts/sneaky").status()).isEqualTo(404);

        Http.Response bad = Http.send("POST", base + "/api/proposals/proposals/pair/merge?head=1234",
                Fixture.USER, Fixture.PASSWORD);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("head must be the proposal's full head commit id (40 hex digits)");

        // confirming what the branch now holds merges exactly that
        Http.Response ok = Http.send("POST", base + "/api/proposals/proposals/pair/merge?head=" + sneaky.name(),
                Fixture.USER, Fixture.PASSWORD);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(Http.get(base + "/api/contracts/sneaky").status()).isEqualTo(200);
    }

    @Test
    void aRevokedContractAnswers410WithWhenAndByWhom() throws Exception {
        Http.Response del = Http.send("DELETE", base + "/api/contracts/gone", Fixture.USER, Fixture.PASSWORD);
        assertThat(del.status()).as(del.body()).isEqualTo(200);
        String commit = del.json().get("commit").asText();

        Http.Response r = Http.get(base + "/api/contracts/gone");
        assertThat(r.status()).as(r.body()).isEqualTo(410);
        JsonNode rv = r.json().get("revoked");
        assertThat(rv.get("name").asText()).isEqualTo("gone");
        assertThat(rv.get("path").asText()).isEqualTo("contracts/gone.yaml");
        assertThat(rv.get("commit").asText()).isEqualTo(commit);
        assertThat(rv.get("user").asText()).isEqualTo(Fixture.USER);
        assertThat(rv.get("mainUpdate").get("message").asText()).isEqualTo("revoke gone by admin");
        assertThat(java.time.Instant.parse(rv.get("at").asText())).isNotNull();
        assertThat(r.json().get("error").asText()).startsWith("contract 'gone' was revoked: contracts/gone.yaml was "
                + "deleted from main in commit " + commit + " by admin at ");

        assertThat(Http.get(base + "/api/contracts/never-was").status()).isEqualTo(404);
        assertThat(Http.get(base + "/api/contracts/Not..A..Label").status()).isEqualTo(404);
        // the 404 of a name never removed comes from the index's removals, not from a walk of main's history
        assertThat(fx.server.index().everRemoved("gone")).isTrue();
        assertThat(fx.server.index().everRemoved("never-was")).isFalse();
    }

    @Test
    void aContractDeletedByAPushNamesThePusher() throws Exception {
        ObjectId main = Fixture.fetchMain(git);
        ObjectId c = Fixture.commit(git, main.name(), change().delete("contracts/pushed-out.yaml"));
        assertThat(Fixture.pushMain(git, c).ok()).isTrue();
        Http.Response r = Http.get(base + "/api/contracts/pushed-out");
        assertThat(r.status()).as(r.body()).isEqualTo(410);
        assertThat(r.json().get("revoked").get("commit").asText()).isEqualTo(c.name());
        assertThat(r.json().get("revoked").get("user").asText()).isEqualTo(Fixture.USER);
        assertThat(r.json().get("revoked").get("author").get("name").asText()).isEqualTo("Test Admin");
    }
}
