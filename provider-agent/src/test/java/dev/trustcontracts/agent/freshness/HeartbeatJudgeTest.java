package dev.trustcontracts.agent.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.core.heartbeat.HeartbeatVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge on a real repository: main is root ← a ← merge(a, side), first parents root, a, merge. Only commits on
 * the first-parent chain of the applied commit count; a side branch merged in does not, nor does an unknown commit.
 */
class HeartbeatJudgeTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final HeartbeatKey KEY = HeartbeatKey.generate(KeyType.ED25519, "hb", NOW.minusSeconds(3600),
            Duration.ofDays(1));

    @TempDir
    Path tmp;
    private Repository repo;
    private ObjectInserter ins;
    private ObjectId root;
    private ObjectId a;
    private ObjectId side;
    private ObjectId merge;
    private HeartbeatJudge judge;

    @BeforeEach
    void history() throws Exception {
        repo = Git.init().setBare(true).setDirectory(tmp.toFile()).call().getRepository();
        ins = repo.newObjectInserter();
        root = commit("root");
        a = commit("a", root);
        side = commit("side", root);
        merge = commit("merge", a, side);
        judge = new HeartbeatJudge(new HeartbeatVerifier(KEY.certificate()), 100);
    }

    private ObjectId commit(String message, ObjectId... parents) throws Exception {
        TreeFormatter tree = new TreeFormatter();
        tree.append("f", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, message.getBytes(StandardCharsets.UTF_8)));
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(ins.insert(tree));
        cb.setParentIds(parents);
        PersonIdent who = new PersonIdent("t", "t@example.org");
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage(message);
        ObjectId id = ins.insert(cb);
        ins.flush();
        return id;
    }

    /** The heartbeat as a blob (a host may store the file itself at the ref). */
    private HeartbeatCandidate blob(String remote, ObjectId main, Instant at, long seq) throws Exception {
        ObjectId id = ins.insert(Constants.OBJ_BLOB, KEY.signer().sign(new Heartbeat(main.name(), at, seq)));
        ins.flush();
        return new HeartbeatCandidate(remote, id);
    }

    @Test
    void onlyTheFirstParentChainOfTheAppliedCommitCounts() throws Exception {
        for (ObjectId onChain : List.of(root, a, merge)) {
            HeartbeatJudgement j = judge.judge(repo, List.of(blob("r", onChain, NOW, 1)), merge, NOW);
            assertThat(j.freshest()).as(onChain.name()).isNotNull();
        }
        HeartbeatJudgement sideBranch = judge.judge(repo, List.of(blob("r", side, NOW, 1)), merge, NOW);
        assertThat(sideBranch.freshest()).isNull();
        assertThat(sideBranch.notCounted()).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo("not_applied");
            assertThat(n.message()).contains("main moved to " + side.name()).contains("applied: " + merge.name());
        });
        // a newer main than the applied one: the agent has not got it
        assertThat(judge.judge(repo, List.of(blob("r", merge, NOW, 1)), a, NOW).notCounted())
                .extracting(HeartbeatJudgement.NotCounted::reason).containsExactly("not_applied");
        // no applied commit yet: nothing counts
        assertThat(judge.judge(repo, List.of(blob("r", root, NOW, 1)), null, NOW).freshest()).isNull();
    }

    @Test
    void theFreshestCountedOfSeveralRemotesWinsAndEachOtherSaysWhy() throws Exception {
        HeartbeatJudgement j = judge.judge(repo, List.of(
                blob("primary", a, NOW.minusSeconds(120), 7),
                blob("mirror", merge, NOW.minusSeconds(30), 9),
                blob("future", merge, NOW.plus(Duration.ofMinutes(5)), 10),
                new HeartbeatCandidate("tree", ins.insert(new TreeFormatter())),
                new HeartbeatCandidate("gone", ObjectId.fromString("12".repeat(20)))), merge, NOW);
        assertThat(j.freshest().remote()).isEqualTo("mirror");
        assertThat(j.freshest().heartbeat().sequence()).isEqualTo(9);
        assertThat(j.freshest().heartbeat().issuedAt()).isEqualTo(NOW.minusSeconds(30));
        assertThat(j.notCounted()).extracting(HeartbeatJudgement.NotCounted::remote, HeartbeatJudgement.NotCounted::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("future", "future"),
                        org.assertj.core.groups.Tuple.tuple("tree", "malformed"),
                        org.assertj.core.groups.Tuple.tuple("gone", "malformed"));
        assertThat(j.notCounted().get(1).message()).contains("a tree where a commit or blob belongs");
        assertThat(j.notCounted().get(2).message()).contains("is missing");
        // within the skew a heartbeat a little ahead of the agent's clock still counts
        assertThat(judge.judge(repo, List.of(blob("r", merge, NOW.plus(HeartbeatJudge.MAX_SKEW), 1)), merge, NOW)
                .freshest()).isNotNull();
    }
}
