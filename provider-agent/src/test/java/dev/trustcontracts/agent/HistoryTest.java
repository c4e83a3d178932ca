package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.cycle.History;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path tmp;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    private static History history(ContractRepo r) {
        Repository repo = r.git().getRepository();
        return new History(repo, new HistoryRules(new ContractVerifier(), ScanLimits.DEFAULT.maxFileBytes(),
                HistoryLimits.DEFAULT));
    }

    @Test
    void followsTheFirstParentChainButNotToARewrittenBranch() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp)) {
            RevCommit first = r.put(TestZone.signed("ab", alice, bob));
            RevCommit second = r.put(TestZone.signed("bc", bob, carol));
            History h = history(r);
            assertThat(h.firstParentProblem(first, second)).isEmpty();
            assertThat(h.firstParentProblem(second, second)).isEmpty();
            assertThat(h.firstParentProblem(second, first)).isPresent();
            r.forcePushMain(first);
            RevCommit rewritten = r.put(TestZone.signed("ac", alice, carol));
            assertThat(h.firstParentProblem(second, rewritten)).isPresent();
            assertThat(h.firstParentProblem(ObjectId.fromString("0123456789012345678901234567890123456789"), rewritten))
                    .isPresent();
        }
    }

    @Test
    void deletionRevokesTheIdReSigningInPlaceDoesNot() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp)) {
            Contract ab = TestZone.signed("ab", alice, bob);
            Contract bc = TestZone.signed("bc", bob, carol);
            RevCommit start = r.put(ab);
            r.put(bc);
            // same id and body, signatures re-made: still the same contract
            Contract resigned = carol.sign(bob.sign(Contract.newBuilder().setBody(bc.getBody()).build()));
            assertThat(resigned).isNotEqualTo(bc);
            RevCommit afterResign = r.putFile("contracts/bc.yaml", ContractCodec.toYaml(resigned).getBytes(StandardCharsets.UTF_8), "re-sign");
            assertThat(history(r).removedIds(start, afterResign)).isEmpty();
            RevCommit deleted = r.delete("ab");
            Map<String, AgentState.Revoked> removed = history(r).removedIds(afterResign, deleted);
            assertThat(removed).containsOnlyKeys(ab.getBody().getId());
            assertThat(removed.get(ab.getBody().getId()).name()).isEqualTo("ab");
            assertThat(removed.get(ab.getBody().getId()).commit()).isEqualTo(deleted.name());
            // the whole history from the start knows it too, also after the file came back
            RevCommit back = r.put(ab);
            assertThat(history(r).removedIds(null, back)).containsOnlyKeys(ab.getBody().getId());
        }
    }

    @Test
    void replacingAFileWithAnotherIdRevokesTheOldId() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp)) {
            Contract v1 = TestZone.signed("ab", alice, bob);
            RevCommit c1 = r.put(v1);
            Contract v2 = TestZone.signed("ab", alice, bob);
            RevCommit c2 = r.put(v2);
            assertThat(history(r).removedIds(c1, c2)).containsOnlyKeys(v1.getBody().getId());
        }
    }

    @Test
    void unsignedDraftsDeletedOnAMergedBranchAreNotRemovalsButValidContractsAre() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp)) {
            RevCommit base = r.put(TestZone.signed("ab", alice, bob));
            Git git = r.git();
            git.checkout().setCreateBranch(true).setName("proposal").call();
            Contract draft = TestZone.draft("bc", bob, carol); // unsigned: never carried trust
            r.putFile("contracts/bc.yaml", ContractCodec.toYaml(draft).getBytes(StandardCharsets.UTF_8), "draft");
            git.rm().addFilepattern("contracts/bc.yaml").call();
            r.commitOnly("drop the draft");
            Contract real = TestZone.signed("cd", carol, bob);
            java.nio.file.Files.writeString(r.work.resolve("contracts/cd.yaml"), ContractCodec.toYaml(real));
            git.add().addFilepattern("contracts/cd.yaml").call();
            r.commitOnly("real proposal");
            git.checkout().setName("main").call();
            r.putFile("README.md", "changed on main\n".getBytes(StandardCharsets.UTF_8), "readme");
            git.merge().include(git.getRepository().resolve("proposal")).setCommit(true)
                    .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).setMessage("merge").call();
            RevCommit merged = r.commitAndPush("after merge");
            assertThat(history(r).removedIds(base, merged)).isEmpty();

            // a valid contract deleted on a branch is removed, merged or not: every commit counts
            git.checkout().setCreateBranch(true).setName("second").call();
            Contract valid = TestZone.signed("bd", bob, carol);
            r.putFile("contracts/bd.yaml", ContractCodec.toYaml(valid).getBytes(StandardCharsets.UTF_8), "valid");
            git.rm().addFilepattern("contracts/bd.yaml").call();
            r.commitOnly("drop it");
            git.checkout().setName("main").call();
            git.merge().include(git.getRepository().resolve("second")).setCommit(true)
                    .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).setMessage("merge 2").call();
            RevCommit merged2 = r.commitAndPush("after merge 2");
            assertThat(history(r).removedIds(merged, merged2)).containsOnlyKeys(valid.getBody().getId());
        }
    }
}
