package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.ContractRepo;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.output.OutputWriter.Output;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.OnChangeHook;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.pki.OwnRoots;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The apply step: the plan is written, the accepted commit pinned in a real clone, the --on-change command run
 * for what it is owed, and the cycle's result says what still fails, in this order of precedence: the sync,
 * the command, a certificate renewal.
 */
class ApplyStepTest {
    static final TestZone ALICE = TestZone.create("alice");

    @TempDir
    Path tmp;
    Path out;
    ContractRepo repo;
    GitMirror mirror;
    ObjectId head;

    @BeforeEach
    void setUp() throws Exception {
        out = tmp.resolve("out");
        Files.createDirectories(out);
        repo = ContractRepo.create(tmp.resolve("repo"));
        mirror = new GitMirror(tmp.resolve("mirror.git"), repo.url(), null, Duration.ofSeconds(20));
        head = mirror.fetch().head();
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    @ParameterizedTest(name = "sync failure {0}, command {1}, renewal failing {2}: {3} {4}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        // sync failure | --on-change | renewal failing | synced | failure | message begins
        "-              | -           | false           | true   | -       | -",
        "-              | true        | false           | true   | -       | -",
        "-              | exit 3      | false           | true   | HOOK    | the --on-change command exited with 3",
        "-              | -           | true            | true   | PKI     | certificate renewal failed: due",
        "-              | exit 3      | true            | true   | HOOK    | the --on-change command exited with 3",
        "REMOTE         | exit 3      | true            | false  | REMOTE  | the remote is down",
        "ROLLBACK       | -           | false           | false  | ROLLBACK| the remote is down",
    })
    void theResultSaysWhatStillFails(FailureKind syncFailure, String command, boolean renewalFailing, boolean synced,
            FailureKind failure, String message) throws Exception {
        AgentStatus status = new AgentStatus(TestZone.NOW);
        AppliedState state = new AppliedState(new AgentStateStore(out));
        state.load();
        OutputWriter writer = new OutputWriter(out);
        OnChangeRunner hooks = new OnChangeRunner(command == null ? null : new OnChangeHook(command, out,
                Duration.ofSeconds(30)), state, writer, status, Clock.systemUTC());
        ZoneMaterial zone = new ZoneMaterial(OwnRoots.of(ALICE.root), null, null, false, null);
        ZoneStep.Zoned zoned = new ZoneStep.Zoned(new StartStep.Started(TestZone.NOW, OnChangeRunner.Run.NONE), zone,
                renewalFailing ? "due" : null);
        ObjectId accepted = syncFailure == null ? head : null;
        HistoryStep.Judged judged = new HistoryStep.Judged(zoned, head, accepted, Map.of(),
                syncFailure == null ? null : new SyncException(syncFailure, "the remote is down"));
        TrustBundle bundle = TrustBundle.derive(zone.ownHash(), List.of());
        AgentState next = state.current().withPendingHook(command == null ? List.of() : List.of(OutputLayout.CA));
        if (accepted != null) {
            next = next.withApplied(repo.url(), accepted.name(), TestZone.NOW);
        }
        List<Output> outputs = new ArrayList<>(List.of(
                new Output(OutputLayout.CA, zone.rootPem().getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC),
                new Output(OutputLayout.STATE, AgentStateStore.serialize(next), AtomicFiles.PUBLIC)));
        PlanStep.Plan plan = new PlanStep.Plan(new DeriveStep.Derived(judged, bundle, null), outputs, next, true,
                List.of());

        CycleResult r = new ApplyStep(mirror, state, writer, hooks, status, null).apply(plan);

        assertThat(r.synced()).isEqualTo(synced);
        assertThat(r.failure()).isEqualTo(failure);
        if (message == null) {
            assertThat(r.message()).isNull();
        } else {
            assertThat(r.message()).startsWith(message);
        }
        assertThat(r.commit()).isEqualTo(head.name());
        assertThat(r.changed()).as("the state file is not reported").containsExactly(OutputLayout.CA);
        assertThat(out.resolve(OutputLayout.CA)).hasContent(zone.rootPem());
        assertThat(state.current().appliedCommit()).isEqualTo(accepted == null ? null : accepted.name());
        assertThat(mirror.pinned()).isEqualTo(accepted);
        assertThat(status.appliedCommit()).isEqualTo(accepted == null ? null : accepted.name());
        assertThat(status.isReady()).as("no certificate yet").isFalse();
        assertThat(status.hookRuns()).isEqualTo(command == null ? 0 : 1);
        // the command stays owed until it succeeds, in the state file too
        boolean owed = command != null && !command.equals("true");
        assertThat(state.current().pendingHook()).isEqualTo(owed ? List.of(OutputLayout.CA) : List.of());
        assertThat(new AgentStateStore(out).load().pendingHook()).isEqualTo(state.current().pendingHook());
    }
}
