package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.testing.CGit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rollback, replay and revocation through Git history (issue 9, items 1 and 2; DESIGN threats
 * "rollback" and "replay"). The untrusted root is always carol's; the victim is alice-bob.
 */
class HistoryScenariosTest extends ConformanceScenario {
    private Contract revoked;
    private String beforeRevocation;

    /** alice and carol had a contract; agents trusted carol; then the admins revoked it. */
    private void revokeAliceCarol(ZoneAgent... offline) throws Exception {
        revoked = cast.aliceCarol("alice-carol");
        admin.contract(revoked).commit("alice trusts carol");
        beforeRevocation = admin.pushMain();
        synced(aliceAgent);
        assertThat(aliceAgent.chain()).contains(Cast.hash(cast.carol));
        for (ZoneAgent a : offline) {
            synced(a);
            assertThat(a.chain()).contains(Cast.hash(cast.carol));
        }
        admin.remove("contracts/alice-carol.yaml").commit("revoke alice-carol");
        admin.pushMain();
        synced(aliceAgent);
        assertThat(aliceAgent.chain()).doesNotContain(Cast.hash(cast.carol));
    }

    private static void assertCarolNotTrusted(ZoneAgent... agents) {
        assertNotTrusted(cast.carol, agents);
    }

    @Test
    @DisplayName("T1 replay through merge with old first parent")
    void replayThroughMergeWithOldFirstParent() throws Exception {
        ZoneAgent offline = stage.agent(cast.alice, stage.gitUrl(), "alice-offline");
        revokeAliceCarol(offline);
        String revokedMain = serverMain();

        Clone mallory = stage.clone("mallory");
        mallory.ok("checkout", "-q", "-b", "p", beforeRevocation);
        mallory.ok("merge", "-q", "-s", "ours", "--no-edit", "origin/main");
        assertThat(mallory.ok("rev-parse", "HEAD^1")).isEqualTo(beforeRevocation);

        assertRefused(mallory.push("HEAD:refs/heads/main"), "main");
        assertThat(serverMain()).isEqualTo(revokedMain);
        assertThat(stage.api.contracts()).doesNotContainKey("alice-carol");
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        assertCarolNotTrusted(aliceAgent, offline, fresh);

        // the same history on a host that checks nothing: the agents' own rules must hold
        HostileHost host = stage.hostile();
        mallory.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        assertCarolNotTrusted(viaHost);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T1 replay through merge: an agent offline during the revocation, on a hostile host")
    void replayThroughMergeSeenByAnOfflineAgentOnAHostileHost() throws Exception {
        HostileHost host = stage.hostile();
        ZoneAgent offline = stage.agent(cast.alice, host.url(), "alice-offline-host");
        revoked = cast.aliceCarol("alice-carol");
        admin.contract(revoked).commit("alice trusts carol");
        beforeRevocation = admin.pushMain();
        admin.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        synced(offline);
        assertThat(offline.chain()).contains(Cast.hash(cast.carol));
        admin.remove("contracts/alice-carol.yaml").commit("revoke alice-carol");
        admin.pushMain();
        admin.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        // the agent was offline: the next head it sees is the attacker's merge
        Clone mallory = stage.clone("mallory");
        mallory.ok("checkout", "-q", "-b", "p", beforeRevocation);
        mallory.ok("merge", "-q", "-s", "ours", "--no-edit", "origin/main");
        mallory.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        assertCarolNotTrusted(offline);
        assertVictimTrustedBy(offline);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T1b replay through merge with an orphan first parent (commit-tree)")
    void replayThroughOrphanFirstParent() throws Exception {
        revokeAliceCarol();
        String revokedMain = serverMain();
        Clone mallory = stage.clone("mallory");
        // a made-up root commit holding the revoked file (and everything else of the old main)
        String tree = mallory.ok("rev-parse", beforeRevocation + "^{tree}");
        String orphan = mallory.ok("commit-tree", tree, "-m", "orphan");
        String merge = mallory.ok("commit-tree", tree, "-p", orphan, "-p", "origin/main", "-m", "merge");

        assertRefused(mallory.push(merge + ":refs/heads/main"), "main");
        assertThat(serverMain()).isEqualTo(revokedMain);
        assertThat(stage.api.contracts()).doesNotContainKey("alice-carol");
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        assertCarolNotTrusted(aliceAgent, fresh);

        HostileHost host = stage.hostile();
        mallory.pushTo(host.pushPath(), merge + ":refs/heads/main");
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        assertCarolNotTrusted(viaHost);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    /** An unsigned file at contracts/junk.yaml that carries {@code id}. */
    private static String junkWithId(Contract c) {
        Contract junk = Contract.newBuilder()
                .setBody(c.getBody().toBuilder().setName("junk")).build();
        return ContractCodec.toYaml(junk);
    }

    @Test
    @DisplayName("T2 invisible revocation via junk id add+delete")
    void invisibleRevocationThroughJunkIdAddAndDelete() throws Exception {
        Clone mallory = stage.clone("mallory");
        mallory.write("contracts/junk.yaml", junkWithId(victim)).commit("add junk");
        mallory.remove("contracts/junk.yaml").commit("remove junk");
        // the net change is nothing: whether the server takes it or not, no one may drop alice-bob
        mallory.push("HEAD:refs/heads/main");
        ZoneAgent fresh = stage.agent(cast.bob, stage.gitUrl(), "bob-fresh");
        synced(aliceAgent);
        synced(bobAgent);
        synced(fresh);
        assertVictimTrustedBy(fresh);
        assertVictimIntact();

        // a host that takes the two commits whatever the server said
        HostileHost host = stage.hostile();
        mallory.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        ZoneAgent viaHost = stage.agent(cast.bob, host.url(), "bob-via-host");
        synced(viaHost);
        assertVictimTrustedBy(viaHost);
    }

    @Test
    @DisplayName("T2b invisible revocation poisons a proposal's id before it is merged")
    void invisibleRevocationPoisonsAProposal() throws Exception {
        Contract proposal = cast.aliceBob("alice-bob-2");
        Clone proposer = stage.clone("proposer");
        proposer.ok("checkout", "-q", "-b", "propose-alice-bob-2");
        proposer.contract(proposal).commit("propose alice-bob-2");
        assertThat(proposer.push("HEAD:refs/heads/propose-alice-bob-2").exit()).isZero();

        Clone mallory = stage.clone("mallory");
        mallory.write("contracts/junk.yaml", junkWithId(proposal)).commit("add junk");
        mallory.remove("contracts/junk.yaml").commit("remove junk");
        mallory.push("HEAD:refs/heads/main");

        Api.Response merged = stage.api.post("/api/proposals/propose-alice-bob-2/merge");
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(stage.api.contracts()).containsEntry("alice-bob-2", proposal.getBody().getId());
        // alice-bob-2 is a real contract both admins signed: every agent trusts it, a fresh one too
        aliceAgent.sync();
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        synced(fresh);
        // revoke the original: bob stays trusted only through alice-bob-2
        admin.ok("pull", "-q", "--no-rebase", "origin", "main");
        admin.remove("contracts/alice-bob.yaml").commit("retire alice-bob");
        admin.pushMain();
        synced(aliceAgent);
        synced(fresh);
        assertThat(aliceAgent.chain()).contains(Cast.hash(cast.bob));
        assertThat(fresh.chain()).contains(Cast.hash(cast.bob));
    }

    @Test
    @DisplayName("Rollback by force-push: the server refuses, an agent on a hostile host keeps its last good bundle")
    void rollbackByForcePush() throws Exception {
        String first = serverMain();
        Contract second = cast.aliceCarol("alice-carol");
        admin.contract(second).commit("alice trusts carol");
        admin.pushMain();
        String before = serverMain();
        // force-push main back to the first commit: hides alice-carol, so that a revoked state comes back
        CGit.Run r = admin.git("push", "--force", "origin", first + ":refs/heads/main");
        assertRefused(r, "main", "non-fast-forward");
        assertThat(serverMain()).isEqualTo(before);
        CGit.Run del = admin.git("push", "origin", ":refs/heads/main");
        assertRefused(del, "main");

        HostileHost host = stage.hostile();
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        synced(viaHost);
        assertThat(viaHost.chain()).contains(Cast.hash(cast.carol));
        var outputsBefore = viaHost.chain();
        String oldRoot = admin.ok("rev-list", "--max-parents=0", "HEAD");
        admin.pushTo(host.pushPath(), oldRoot + ":refs/heads/main");
        var result = viaHost.sync();
        assertThat(result.refused()).as(result.toString()).isTrue();
        assertThat(result.message()).contains(oldRoot);
        assertThat(viaHost.chain()).isEqualTo(outputsBefore);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    @Test
    @DisplayName("Replay of a revoked file: no agent trusts its id again")
    void replayOfARevokedFileIsIgnoredByAgents() throws Exception {
        ZoneAgent offline = stage.agent(cast.alice, stage.gitUrl(), "alice-offline");
        revokeAliceCarol(offline);
        Clone mallory = stage.clone("mallory");
        mallory.contract(revoked).commit("bring alice-carol back");
        mallory.push("HEAD:refs/heads/main");  // refused by a server that knows the rule; agents decide either way
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        assertCarolNotTrusted(aliceAgent, offline, fresh);

        HostileHost host = stage.hostile();
        mallory.pushTo(host.pushPath(), "HEAD:refs/heads/main");
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        assertCarolNotTrusted(viaHost);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    @Test
    @DisplayName("Replay of a revoked file: the server refuses to re-add its id")
    void replayOfARevokedFileIsRefusedByTheServer() throws Exception {
        revokeAliceCarol();
        String revokedMain = serverMain();
        Clone mallory = stage.clone("mallory");
        mallory.contract(revoked).commit("bring alice-carol back");
        assertRefused(mallory.push("HEAD:refs/heads/main"), "contracts/alice-carol.yaml");
        assertThat(serverMain()).isEqualTo(revokedMain);
        // under another file name, the id is the same contract
        Clone again = stage.clone("mallory-2");
        again.contractAt("contracts/alice-carol.yml", revoked).commit("same id, other extension");
        assertRefused(again.push("HEAD:refs/heads/main"), "contracts/alice-carol.yml");
        assertThat(stage.api.contracts()).doesNotContainKey("alice-carol");
        assertVictimIntact();
    }
}
