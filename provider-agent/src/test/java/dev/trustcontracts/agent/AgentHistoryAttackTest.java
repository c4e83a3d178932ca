package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.testing.GitDaemon;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent applies the history rules itself, to a Git server that validates nothing: a plain bare
 * repository written by C git and served by {@code git daemon}. A head whose first-parent chain lacks the
 * applied commit is refused with the last good outputs kept, and junk carrying a victim's id revokes nothing.
 */
class AgentHistoryAttackTest {
    static TestZone bob;

    @TempDir
    Path tmp;
    PkiZone alice;
    ContractRepo repo;
    GitDaemon daemon;
    Path out;
    Path attacker;

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(GitDaemon.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it these attacks through git daemon are skipped");
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        repo = ContractRepo.create(tmp.resolve("repo"));
        daemon = GitDaemon.start(repo.bare.getParent());
        out = tmp.resolve("out");
        attacker = tmp.resolve("attacker");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (repo != null) {
            repo.close();
        }
        if (alice != null) {
            alice.close();
        }
    }

    private Agent agent(Path outDir) throws IOException {
        return new Agent(AgentConfig.builder(daemon.url("remote.git"), alice.target(), outDir).channels(PkiPins.pin(alice))
                .interval(Duration.ofSeconds(1)).build());
    }

    private String own() {
        return Fingerprint.of(alice.root());
    }

    /** C git in a clone of the bare repository, pushing straight into it (nothing validates). */
    private String git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Mallory", "-c", "user.email=m@example.test"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.directory((Files.isDirectory(attacker) ? attacker : tmp).toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("git " + args[0] + " did not finish");
        }
        assertThat(p.exitValue()).as("git " + String.join(" ", args) + ": " + text).isZero();
        return text.trim();
    }

    private void cloneAsAttacker() throws Exception {
        git("clone", "-q", repo.bare.toString(), attacker.toString());
    }

    @Test
    void aHeadWhoseFirstParentChainLacksTheAppliedCommitIsRefusedAndAFreshAgentStillKnowsTheRemoval()
            throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        RevCommit beforeRevoke = repo.put(ab);
        RevCommit revoke = repo.delete("alice-bob");
        try (Agent a = agent(out)) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own());
            Map<String, String> before = Outputs.snapshot(out);

            // git checkout -b p <before-revoke>; git merge -s ours main; git push origin HEAD:main
            cloneAsAttacker();
            git("checkout", "-q", "-b", "p", beforeRevoke.name());
            git("merge", "-q", "-s", "ours", "-m", "replay", "main");
            git("push", "-q", "origin", "HEAD:main");
            CycleResult r = a.runOnce();
            assertThat(r.refused()).as(r.toString()).isTrue();
            assertThat(r.failure()).isEqualTo(FailureKind.ROLLBACK);
            assertThat(r.message()).contains("main may only move to a commit whose first-parent chain contains "
                    + revoke.name());
            assertThat(a.status().rollbackRefused()).contains(revoke.name());
            assertThat(Outputs.snapshot(out)).isEqualTo(before);

            // commit-tree T -p ORPHAN -p main: refused as well
            String tree = git("rev-parse", beforeRevoke.name() + "^{tree}");
            String orphan = git("commit-tree", tree, "-m", "made up");
            String merge = git("commit-tree", tree, "-p", orphan, "-p", revoke.name(), "-m", "merge");
            git("push", "-q", "-f", "origin", merge + ":refs/heads/main");
            CycleResult r2 = a.runOnce();
            assertThat(r2.refused()).isTrue();
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
            assertThat(new AgentStateStore(out).load().appliedCommit()).isEqualTo(revoke.name());
        }
        // an agent with no state reads every commit of the orphan merge's history: the removal is in it
        Path fresh = tmp.resolve("fresh-out");
        try (Agent a = agent(fresh)) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(Outputs.chain(fresh)).containsExactly(own());
            assertThat(a.status().ignoredReplays()).isEqualTo(1);
            assertThat(new AgentStateStore(fresh).load().revoked()).containsKey(ab.getBody().getId());
        }
    }

    @Test
    void junkCarryingAVictimsIdAddedAndDeletedDoesNotRevokeIt() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        repo.put(ab);
        try (Agent a = agent(out)) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), Fingerprint.of(bob.root));

            cloneAsAttacker();
            Contract junk = Contract.newBuilder()
                    .setBody(ContractBody.newBuilder(ab.getBody()).setName("junk")).build();
            Files.writeString(attacker.resolve("contracts/junk.yaml"), ContractCodec.toYaml(junk));
            git("add", "contracts/junk.yaml");
            git("commit", "-qm", "junk with alice-bob's id");
            git("rm", "-q", "contracts/junk.yaml");
            git("commit", "-qm", "and gone");
            git("push", "-q", "origin", "HEAD:main");

            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commit()).isEqualTo(repo.remoteHead().name());
            assertThat(Outputs.chain(out)).containsExactly(own(), Fingerprint.of(bob.root));
            assertThat(a.status().ignoredReplays()).isZero();
            assertThat(new AgentStateStore(out).load().revoked()).isEmpty();
        }
        // a fresh agent reading the whole history agrees
        Path fresh = tmp.resolve("fresh-out");
        try (Agent a = agent(fresh)) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(fresh)).containsExactly(own(), Fingerprint.of(bob.root));
        }
    }
}
