package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull-request flow: a proposal collects signatures on a branch, then merges into main through the API. */
class ProposalFlowTest {
    @TempDir
    Path tmp;

    @Test
    void proposalWithOneSignatureIsAcceptedButMergesOnlyWhenFullySigned() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            Contract draft = TestZone.draft("alice-bob", ALICE, BOB);
            Contract aliceSigned = ALICE.sign(draft);

            ObjectId proposal = Fixture.commit(git, main.name(), change().contract("contracts/alice-bob.yaml", aliceSigned));
            Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), false, proposal, "proposals/alice-bob");
            assertThat(p.ok()).as(p.remote()).isTrue();
            assertThat(p.remote()).contains("note (allowed on a proposal, required before merging): "
                    + "contracts/alice-bob.yaml: [signature-missing] participant bob: has not signed");

            String base = fx.server.httpUrl();
            Http.Response status = Http.get(base + "/api/proposals/proposals/alice-bob");
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.json().get("acceptable").asBoolean()).isTrue();
            assertThat(status.json().get("notes").get(0).get("rule").asText()).isEqualTo("signature-missing");
            assertThat(Http.get(base + "/api/proposals").json().get("proposals").get(0).get("branch").asText())
                    .isEqualTo("proposals/alice-bob");

            String merge = base + "/api/proposals/proposals/alice-bob/merge";
            assertThat(Http.send("POST", merge, null, null).status()).isEqualTo(401);
            Http.Response refused = Http.send("POST", merge, Fixture.USER, Fixture.PASSWORD);
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.json().get("problems").get(0).asText())
                    .isEqualTo("contracts/alice-bob.yaml: [signature-missing] participant bob: has not signed");
            assertThat(fx.server.repository().main()).isEqualTo(main);

            // bob signs on the branch
            ObjectId signed = Fixture.commit(git, proposal.name(),
                    change().contract("contracts/alice-bob.yaml", BOB.sign(aliceSigned)));
            assertThat(Fixture.push(git, Fixture.credentials(), false, signed, "proposals/alice-bob").ok()).isTrue();

            // main moved meanwhile, so the merge is a real merge commit, not a fast-forward
            ObjectId other = Fixture.commit(git, main.name(), change().put("README.md", "updated\n".getBytes()));
            assertThat(Fixture.pushMain(git, other).ok()).isTrue();

            Http.Response merged = Http.send("POST", merge, Fixture.USER, Fixture.PASSWORD);
            assertThat(merged.status()).as(merged.body()).isEqualTo(200);
            assertThat(merged.json().get("fastForward").asBoolean()).isFalse();
            String commit = merged.json().get("commit").asText();
            assertThat(fx.server.repository().main().name()).isEqualTo(commit);
            assertThat(fx.server.index().current().commit()).isEqualTo(commit);
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();
            assertThat(Http.send("POST", merge, Fixture.USER, Fixture.PASSWORD).status()).as("already merged").isEqualTo(409);

            // revocation through the API: a deletion commit on main
            String del = base + "/api/contracts/alice-bob";
            assertThat(Http.send("DELETE", del, null, null).status()).isEqualTo(401);
            Http.Response revoked = Http.send("DELETE", del, Fixture.USER, Fixture.PASSWORD);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(revoked.json().get("path").asText()).isEqualTo("contracts/alice-bob.yaml");
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();
            // gone, and says so: 410 with the revoking commit (ProposalPageApiTest has the details)
            Http.Response gone = Http.get(base + "/api/contracts/alice-bob");
            assertThat(gone.status()).isEqualTo(410);
            assertThat(gone.json().get("revoked").get("commit").asText()).isEqualTo(revoked.json().get("commit").asText());
            assertThat(Http.send("DELETE", del, Fixture.USER, Fixture.PASSWORD).status()).isEqualTo(404);
            // the clone sees the revocation as a normal commit
            ObjectId after = Fixture.fetchMain(git);
            assertThat(after.name()).isEqualTo(revoked.json().get("commit").asText());
        }
    }

    @Test
    void fastForwardMergeAndBrokenProposalRefused() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            ObjectId bad = Fixture.commit(git, main.name(), change().put("contracts/x.yaml", "name: [".getBytes()));
            Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), false, bad, "proposals/broken");
            assertThat(p.ok()).isFalse();
            assertThat(p.remote()).contains("contracts/x.yaml:").contains("[parse]");

            ObjectId good = Fixture.commit(git, main.name(),
                    change().contract("contracts/ff.yaml", TestZone.signed("ff", ALICE, BOB)));
            assertThat(Fixture.push(git, Fixture.credentials(), false, good, "proposals/ff").ok()).isTrue();
            Http.Response merged = Http.send("POST", fx.server.httpUrl() + "/api/proposals/proposals/ff/merge",
                    Fixture.USER, Fixture.PASSWORD);
            assertThat(merged.status()).as(merged.body()).isEqualTo(200);
            assertThat(merged.json().get("fastForward").asBoolean()).isTrue();
            assertThat(fx.server.repository().main()).isEqualTo(good);
            assertThat(Http.send("POST", fx.server.httpUrl() + "/api/proposals/nope/merge",
                    Fixture.USER, Fixture.PASSWORD).status()).isEqualTo(404);
        }
    }
}
