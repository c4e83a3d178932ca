package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history rules at the server, through C git over HTTP: main only moves along first parents, a removed
 * contract id never comes back on main, and junk that carries someone else's id revokes nothing.
 */
class HistoryPushTest {
    @TempDir
    Path tmp;
    Path work;
    String authed;

    @BeforeEach
    void gitThere() {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it these attacks through a real client are skipped");
    }

    private Fixture start() throws Exception {
        Fixture fx = new Fixture(tmp);
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work");
        assertThat(clone.exit()).as(clone.out()).isZero();
        work = tmp.resolve("work");
        authed = fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                + Fixture.PASSWORD.replace(" ", "%20") + "@");
        return fx;
    }

    private String git(String... args) throws Exception {
        CGit.Run r = CGit.run(work, args);
        assertThat(r.exit()).as("git " + String.join(" ", args) + ": " + r.out()).isZero();
        return r.out().trim();
    }

    private CGit.Run push(String refspec) throws Exception {
        return CGit.run(work, "push", authed, refspec);
    }

    private void write(String name, Contract c) throws Exception {
        Files.writeString(work.resolve("contracts/" + name + ".yaml"), new String(Fixture.yaml(c)));
    }

    /** alice-bob signed and pushed, then deleted and pushed; returns (before-revoke, revoke). */
    private String[] addAndRevoke(Contract ab) throws Exception {
        write("alice-bob", ab);
        git("add", "-A");
        git("commit", "-qm", "add alice-bob");
        assertThat(push("HEAD:main").exit()).isZero();
        String before = git("rev-parse", "HEAD");
        git("rm", "-q", "contracts/alice-bob.yaml");
        git("commit", "-qm", "revoke alice-bob");
        CGit.Run revoke = push("HEAD:main");
        assertThat(revoke.exit()).as(revoke.out()).isZero();
        return new String[] {before, git("rev-parse", "HEAD")};
    }

    @Test
    void aMergeWhoseFirstParentPredatesTheRevocationIsRefused() throws Exception {
        try (Fixture fx = start()) {
            String[] c = addAndRevoke(TestZone.signed("alice-bob", ALICE, BOB));
            // git checkout -b p <before-revoke>; git merge -s ours main; git push origin HEAD:main
            git("checkout", "-q", "-b", "p", c[0]);
            git("merge", "-q", "-s", "ours", "-m", "replay", "main");
            CGit.Run r = push("HEAD:main");
            assertThat(r.exit()).isNotZero();
            assertThat(r.out()).contains("remote: error: main: main may only move to a commit whose first-parent "
                    + "chain contains " + c[1]);
            assertThat(fx.server.repository().main().name()).isEqualTo(c[1]);
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();
        }
    }

    @Test
    void aMergeWithAnOrphanFirstParentIsRefused() throws Exception {
        try (Fixture fx = start()) {
            String[] c = addAndRevoke(TestZone.signed("alice-bob", ALICE, BOB));
            String tree = git("rev-parse", c[0] + "^{tree}");
            String orphan = git("commit-tree", tree, "-m", "made up");
            String merge = git("commit-tree", tree, "-p", orphan, "-p", "main", "-m", "merge");
            CGit.Run r = push(merge + ":refs/heads/main");
            assertThat(r.exit()).isNotZero();
            assertThat(r.out()).contains("first-parent chain contains " + c[1]);
            assertThat(fx.server.repository().main().name()).isEqualTo(c[1]);
        }
    }

    @Test
    void reAddingARemovedContractIsRefusedNamingFileIdAndCommit() throws Exception {
        try (Fixture fx = start()) {
            Contract ab = TestZone.signed("alice-bob", ALICE, BOB);
            String[] c = addAndRevoke(ab);
            String id = ab.getBody().getId();
            // the deleted file back, unchanged: valid to contract-core, a replay to the history rules
            git("checkout", "-q", c[0], "--", "contracts/alice-bob.yaml");
            git("commit", "-qm", "replay");
            CGit.Run r = push("HEAD:main");
            assertThat(r.exit()).isNotZero();
            assertThat(r.out()).contains("remote: error: main: contracts/alice-bob.yaml: [replay] id " + id
                    + " was removed from main in commit " + c[1]);
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();

            // a delete and re-add in one push (no net change to the tree) is refused too
            git("reset", "-q", "--hard", c[1]);
            Contract cb = TestZone.signed("carol-bob", CAROL, BOB);
            write("carol-bob", cb);
            git("add", "-A");
            git("commit", "-qm", "add carol-bob");
            assertThat(push("HEAD:main").exit()).isZero();
            git("rm", "-q", "contracts/carol-bob.yaml");
            git("commit", "-qm", "delete");
            write("carol-bob", cb);
            git("add", "-A");
            git("commit", "-qm", "and back");
            CGit.Run both = push("HEAD:main");
            assertThat(both.exit()).isNotZero();
            assertThat(both.out()).contains("contracts/carol-bob.yaml: [replay] id " + cb.getBody().getId());

            // a proposal that brings the id back is kept, with a warning that main will refuse it
            git("reset", "-q", "--hard", "origin/main");
            git("fetch", "-q", authed, "main:refs/remotes/origin/main");
            git("reset", "-q", "--hard", "origin/main");
            git("checkout", "-q", c[0], "--", "contracts/alice-bob.yaml");
            git("commit", "-qm", "propose the old one again");
            CGit.Run proposal = push("HEAD:refs/heads/proposals/again");
            assertThat(proposal.exit()).as(proposal.out()).isZero();
            assertThat(proposal.out()).contains("remote: warning (main will refuse this proposal as it is): "
                    + "contracts/alice-bob.yaml: [replay] id " + id);
            Http.Response view = Http.get(fx.server.httpUrl() + "/api/proposals/proposals/again");
            assertThat(view.json().get("mergeable").asBoolean()).as("the view says what the merge will say").isFalse();
            assertThat(view.json().get("replays").toString()).contains("[replay] id " + id);
            Http.Response merge = Http.send("POST", fx.server.httpUrl() + "/api/proposals/proposals/again/merge",
                    Fixture.USER, Fixture.PASSWORD);
            assertThat(merge.status()).isEqualTo(409);
            assertThat(merge.body()).contains("[replay] id " + id);

            // a new contract (a new id) between the same zones is fine
            write("alice-bob", TestZone.signed("alice-bob", ALICE, BOB));
            git("commit", "-qam", "new alice-bob");
            CGit.Run fresh = push("HEAD:main");
            assertThat(fresh.exit()).as(fresh.out()).isZero();
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();
        }
    }

    @Test
    void anUnsignedEditThenADeletionInOnePushStillRetiresTheId() throws Exception {
        try (Fixture fx = start()) {
            Contract ab = TestZone.signed("alice-bob", ALICE, BOB);
            write("alice-bob", ab);
            git("add", "-A");
            git("commit", "-qm", "add alice-bob");
            assertThat(push("HEAD:main").exit()).isZero();
            String valid = git("rev-parse", "HEAD");
            // one push of two commits: the file edited in place (same id, signatures now broken), then deleted
            Contract edited = Contract.newBuilder(ab).setBody(ab.getBody().toBuilder().setName("alice-bob")
                    .setNotAfter(com.google.protobuf.Timestamp.newBuilder()
                            .setSeconds(ab.getBody().getNotAfter().getSeconds() - 60))).build();
            write("alice-bob", edited);
            git("commit", "-qam", "edit in place, unsigned");
            git("rm", "-q", "contracts/alice-bob.yaml");
            git("commit", "-qm", "delete");
            CGit.Run revoke = push("HEAD:main");
            assertThat(revoke.exit()).as(revoke.out()).isZero();
            // the revocation sticks: the valid file back is a replay
            git("checkout", "-q", valid, "--", "contracts/alice-bob.yaml");
            git("commit", "-qm", "replay");
            CGit.Run replay = push("HEAD:main");
            assertThat(replay.exit()).isNotZero();
            assertThat(replay.out()).contains("contracts/alice-bob.yaml: [replay] id " + ab.getBody().getId());
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();
        }
    }

    @Test
    void junkCarryingAVictimsIdAddedAndDeletedRevokesNothing() throws Exception {
        try (Fixture fx = start()) {
            Contract ab = TestZone.signed("alice-bob", ALICE, BOB);
            write("alice-bob", ab);
            git("add", "-A");
            git("commit", "-qm", "victim");
            assertThat(push("HEAD:main").exit()).isZero();
            // one push: an unsigned junk.yaml with the victim's id, then its deletion (net diff zero)
            Contract junk = Contract.newBuilder()
                    .setBody(ContractBody.newBuilder(ab.getBody()).setName("junk")).build();
            write("junk", junk);
            git("add", "-A");
            git("commit", "-qm", "junk");
            git("rm", "-q", "contracts/junk.yaml");
            git("commit", "-qm", "no junk");
            CGit.Run r = push("HEAD:main");
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();
            // the victim's id is not revoked: re-signing it in place is still accepted on main
            Contract resigned = BOB.sign(ALICE.sign(Contract.newBuilder().setBody(ab.getBody()).build()));
            write("alice-bob", resigned);
            git("commit", "-qam", "re-sign");
            CGit.Run again = push("HEAD:main");
            assertThat(again.exit()).as(again.out()).isZero();
        }
    }

    @Test
    void theServersMergeKeepsMainAsFirstParent() throws Exception {
        try (Fixture fx = start()) {
            String root = git("rev-parse", "HEAD");
            write("alice-bob", TestZone.signed("alice-bob", ALICE, BOB));
            git("add", "-A");
            git("commit", "-qm", "alice-bob");
            assertThat(push("HEAD:main").exit()).isZero();
            String main = git("rev-parse", "HEAD");
            // a proposal whose tip contains main, but only as a second parent: not a fast-forward for main
            git("checkout", "-q", "-b", "p", root);
            write("carol-bob", TestZone.signed("carol-bob", CAROL, BOB));
            git("add", "-A");
            git("commit", "-qm", "carol-bob");
            git("merge", "-q", "--no-edit", "main");
            assertThat(push("HEAD:refs/heads/proposals/carol-bob").exit()).isZero();
            Http.Response merged = Http.send("POST", fx.server.httpUrl() + "/api/proposals/proposals/carol-bob/merge",
                    Fixture.USER, Fixture.PASSWORD);
            assertThat(merged.status()).as(merged.body()).isEqualTo(200);
            assertThat(merged.json().get("fastForward").asBoolean()).isFalse();
            try (Git g = Git.open(fx.server.repository().git().getDirectory()); RevWalk rw = new RevWalk(g.getRepository())) {
                RevCommit m = rw.parseCommit(fx.server.repository().main());
                assertThat(m.getParent(0)).isEqualTo(ObjectId.fromString(main));
            }
            assertThat(fx.server.index().current().contract("carol-bob")).isPresent();
        }
    }

    @Test
    void aReplayAlreadyOnMainIsNotListedByTheIndex() throws Exception {
        try (Fixture fx = start()) {
            Contract ab = TestZone.signed("alice-bob", ALICE, BOB);
            String[] c = addAndRevoke(ab);
            // behind the server's back (an older server, or a restore): main gets the revoked file again
            try (Git server = Git.wrap(fx.server.repository().git())) {
                ObjectId replay = Fixture.commit(server, c[1], Fixture.change().contract("contracts/alice-bob.yaml", ab));
                org.eclipse.jgit.lib.RefUpdate ru = server.getRepository().updateRef(ContractRepository.MAIN);
                ru.setNewObjectId(replay);
                ru.setForceUpdate(true);
                ru.update();
                fx.server.index().refresh();
                assertThat(fx.server.index().current().commit()).isEqualTo(replay.name());
            }
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();
            Http.Response list = Http.get(fx.server.httpUrl() + "/api/contracts");
            assertThat(list.body()).doesNotContain(ab.getBody().getId());
        }
    }
}
