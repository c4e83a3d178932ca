package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.ContractRepo;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.files.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fetch and judge-history steps of the cycle against a real Git remote and a real local clone: which head
 * is accepted, which commit the outputs come from, which removals are remembered, and how a rollback and an
 * unreachable remote are reported. History: c1 adds alice-bob, c2 removes it, c3 adds bob-carol.
 */
class HistoryStepTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path tmp;
    ContractRepo repo;
    GitMirror mirror;
    final Map<String, ObjectId> commits = new java.util.HashMap<>();

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    @BeforeEach
    void setUp() throws Exception {
        repo = ContractRepo.create(tmp.resolve("repo"));
        commits.put("c1", repo.put(TestZone.signed("alice-bob", alice, bob)).copy());
        commits.put("c2", repo.delete("alice-bob").copy());
        commits.put("c3", repo.put(TestZone.signed("bob-carol", bob, carol)).copy());
        mirror = new GitMirror(tmp.resolve("mirror.git"), repo.url(), null, Duration.ofSeconds(20));
        mirror.fetch(); // the clone holds the whole history, as an agent that ran before does
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        // case                       | applied | remote main | --accept-head | accepted | use | failure  | removed
        "a fresh agent reads all      | -       | c3          | -             | c3       | c3  | -        | alice-bob",
        "up to date                   | c3      | c3          | -             | c3       | c3  | -        | -",
        "a removal on the way         | c1      | c3          | -             | c3       | c3  | -        | alice-bob",
        "no removal on the way        | c2      | c3          | -             | c3       | c3  | -        | -",
        "a rollback is refused        | c3      | c1          | -             | -        | c3  | ROLLBACK | -",
        "another head is not accepted | c3      | c1          | c2            | -        | c3  | ROLLBACK | -",
        "the accepted rollback        | c3      | c1          | c1            | c1       | c1  | -        | -",
        "an unreachable remote        | c3      | gone        | -             | -        | c3  | REMOTE   | -",
        "unreachable at first start   | -       | gone        | -             | -        | -   | REMOTE   | -",
    })
    void judge(String what, String applied, String main, String acceptHead, String accepted, String use,
            FailureKind failure, String removed) throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        if (applied != null) {
            AgentState s = AgentState.empty().withApplied(repo.url(), commits.get(applied).name(), TestZone.NOW);
            AtomicFiles.write(new OutputLayout(out).state(), AgentStateStore.serialize(s));
        }
        if ("gone".equals(main)) {
            Files.move(repo.bare, tmp.resolve("moved.git"));
        } else if (!"c3".equals(main)) {
            repo.forcePushMain(commits.get(main));
        }
        AppliedState state = new AppliedState(new AgentStateStore(out));
        state.load();
        AgentStatus status = new AgentStatus(TestZone.NOW);
        ContractVerifier verifier = new ContractVerifier(ContractVerifier.DEFAULT_MAX_WINDOW);
        HistoryRules rules = new HistoryRules(verifier, ScanLimits.DEFAULT.maxFileBytes(), HistoryLimits.DEFAULT);
        CycleStep<ZoneStep.Zoned, HistoryStep.Judged> steps = new FetchStep(mirror, state, status)
                .then(new HistoryStep(mirror, rules, acceptHead == null ? null : commits.get(acceptHead).name(), status,
                        new CloneRepair(mirror, () -> { })));
        ZoneStep.Zoned zoned = new ZoneStep.Zoned(new StartStep.Started(TestZone.NOW, OnChangeRunner.Run.NONE),
                null, null);

        HistoryStep.Judged j = steps.apply(zoned);

        assertThat(j.zoned()).isSameAs(zoned);
        assertThat(j.accepted()).isEqualTo(accepted == null ? null : commits.get(accepted));
        assertThat(j.use()).isEqualTo(use == null ? null : commits.get(use));
        assertThat(j.failure() == null ? null : j.failure().kind()).isEqualTo(failure);
        assertThat(j.removed().values()).extracting(AgentState.Revoked::name)
                .containsExactlyElementsOf(removed == null ? java.util.List.of() : java.util.List.of(removed));
        if (failure != null) {
            assertThat(status.failures(failure)).isEqualTo(1);
        }
        if (failure == FailureKind.ROLLBACK) {
            assertThat(status.rollbackRefused()).contains("refused", "--accept-head " + commits.get(main).name());
            assertThat(j.failure().getMessage()).isEqualTo(status.rollbackRefused());
        } else {
            assertThat(status.rollbackRefused()).isNull();
        }
    }
}
