package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.remote.GitMirror.RemoteFetch;
import dev.trustcontracts.agent.remote.Remote;
import dev.trustcontracts.agent.status.RemoteReport;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.ScanLimits;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which head an agent with several remotes applies, on a real repository holding this history (first parents to the
 * left; {@code u} shares nothing with the rest):
 *
 * <pre>
 *   r ── a ── b ── c ── x1 ── x2
 *                   └── y1
 *   u
 * </pre>
 */
class RemoteChoiceTest {
    @TempDir
    Path tmp;
    Repository repo;
    final Map<String, ObjectId> commits = new HashMap<>();

    @BeforeEach
    void history() throws Exception {
        repo = Git.init().setBare(true).setDirectory(tmp.resolve("clone.git").toFile()).call().getRepository();
        commit("r");
        commit("a", "r");
        commit("b", "a");
        commit("c", "b");
        commit("x1", "c");
        commit("x2", "x1");
        commit("y1", "c");
        commit("u");
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private void commit(String name, String... parents) throws Exception {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId tree = ins.insert(new TreeFormatter());
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentIds(java.util.Arrays.stream(parents).map(commits::get).toArray(ObjectId[]::new));
            PersonIdent who = new PersonIdent("t", "t@example.test", Instant.parse("2026-01-01T00:00:00Z"),
                    ZoneOffset.UTC);
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(name);
            commits.put(name, ins.insert(cb));
            ins.flush();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        // case                                  | applied | heads (- unreachable) | accept | applied now | states
        "one remote, ahead                       | b       | c                     | -      | c           | current",
        "the furthest of a line, any order       | a       | b c                   | -      | c           | lags current",
        "a remote behind the applied one lags    | c       | b x1                  | -      | x1          | lags current",
        "a down remote does not hold back        | a       | - c                   | -      | c           | unreachable current",
        "a rewritten head is refused             | x1      | y1 x2                 | -      | x2          | refused current",
        "a fork: the last common commit          | b       | x2 y1                 | -      | c           | diverged diverged",
        "a fork right at the applied commit      | c       | x1 y1                 | -      | c           | diverged diverged",
        "a fork and a laggard                    | a       | x1 y1 b               | -      | c           | diverged diverged lags",
        "a fresh agent sees a fork too           | -       | x2 y1                 | -      | c           | diverged diverged",
        "unrelated histories: nothing applied    | -       | c u                   | -      | -           | diverged diverged",
        "every head behind: a refused rollback   | c       | b a                   | -      | -           | refused refused",
        "--accept-head takes the named head      | x1      | y1 x2                 | y1     | y1          | current diverged",
    })
    void choose(String what, String applied, String heads, String accept, String now, String states) throws Exception {
        List<RemoteFetch> fetches = new ArrayList<>();
        for (String h : heads.split(" ")) {
            Remote remote = new Remote(fetches.size(), "git://127.0.0.1/r" + fetches.size() + ".git");
            fetches.add(h.equals("-")
                    ? new RemoteFetch(remote, null, new SyncException(FailureKind.REMOTE, "down"))
                    : new RemoteFetch(remote, commits.get(h), null));
        }
        HistoryRules rules = new HistoryRules(new ContractVerifier(ContractVerifier.DEFAULT_MAX_WINDOW),
                ScanLimits.DEFAULT.maxFileBytes(), HistoryLimits.DEFAULT);
        RemoteChoice choice = new RemoteChoice(new History(repo, rules), new Ancestry(repo, rules.limits()));

        RemoteChoice.Choice c = choice.choose(applied == null ? null : commits.get(applied),
                accept == null ? null : commits.get(accept).name(), fetches);

        assertThat(c.accepted()).as("applied").isEqualTo(now == null ? null : commits.get(now));
        assertThat(c.reports()).extracting(r -> r.state().label()).containsExactly(states.split(" "));
        boolean forked = states.contains("diverged") && accept == null;
        assertThat(c.disagreement() != null).as("disagreement").isEqualTo(forked);
        if (forked) {
            assertThat(c.disagreement()).startsWith("remotes disagree: git://127.0.0.1/r0.git has ");
        }
        if (now == null && !forked) {
            assertThat(c.refusedHead()).as("the refused rollback names the first head").isEqualTo(fetches.get(0).head());
            assertThat(c.refusal()).contains("first-parent chain");
        }
        for (RemoteReport r : c.reports()) {
            assertThat(r.remote()).startsWith("git://127.0.0.1/r");
        }
    }
}
