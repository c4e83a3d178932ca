package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.ContractRepo;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.pki.OwnRoots;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The derive step over a real clone: the bundle holds the peers of the valid contracts this zone is in, minus
 * every contract whose id was removed from main (remembered in the state file or removed in this cycle), and a
 * derivation is reused while its inputs are the same. Main holds alice-bob, alice-carol and bob-carol.
 */
class DeriveStepTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;
    static final Map<String, Contract> CONTRACTS = new HashMap<>();

    @TempDir
    Path tmp;
    Path out;
    ContractRepo repo;
    GitMirror mirror;
    ObjectId head;
    AgentStatus status;
    AppliedState state;
    DeriveStep step;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        CONTRACTS.put("alice-bob", TestZone.signed("alice-bob", alice, bob));
        CONTRACTS.put("alice-carol", TestZone.signed("alice-carol", alice, carol));
        CONTRACTS.put("bob-carol", TestZone.signed("bob-carol", bob, carol));
    }

    @BeforeEach
    void setUp() throws Exception {
        out = tmp.resolve("out");
        Files.createDirectories(out);
        repo = ContractRepo.create(tmp.resolve("repo"));
        for (Contract c : CONTRACTS.values()) {
            repo.put(c);
        }
        mirror = new GitMirror(tmp.resolve("mirror.git"), repo.url(), null, Duration.ofSeconds(20));
        head = mirror.fetch().head();
        status = new AgentStatus(TestZone.NOW);
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    /** The step, with the state file remembering the removal of the named contracts. */
    void start(List<String> known) throws Exception {
        Map<String, AgentState.Revoked> revoked = revoked(known);
        AtomicFiles.write(new OutputLayout(out).state(),
                AgentStateStore.serialize(AgentState.empty().withRevoked(revoked)));
        state = new AppliedState(new AgentStateStore(out));
        state.load();
        ScanCache scans = new ScanCache(new TreeScanner(new ContractVerifier(ContractVerifier.DEFAULT_MAX_WINDOW),
                ScanLimits.DEFAULT), ScanLimits.DEFAULT);
        step = new DeriveStep(mirror, scans, state, status, new CloneRepair(mirror, scans::clear));
    }

    static Map<String, AgentState.Revoked> revoked(List<String> names) {
        Map<String, AgentState.Revoked> m = new HashMap<>();
        for (String n : names) {
            m.put(CONTRACTS.get(n).getBody().getId(), new AgentState.Revoked(n, null, "c0ffee"));
        }
        return m;
    }

    DeriveStep.Derived derive(ObjectId use, List<String> removedNow) throws SyncException {
        ZoneStep.Zoned zoned = new ZoneStep.Zoned(new StartStep.Started(TestZone.NOW, OnChangeRunner.Run.NONE),
                new ZoneMaterial(OwnRoots.of(alice.root), null, null, false, null),
                null);
        return step.apply(new HistoryStep.Judged(zoned, use, use, revoked(removedNow), null));
    }

    static List<String> split(String s) {
        return s == null ? List.of() : List.of(s.split(" "));
    }

    @ParameterizedTest(name = "remembered {0}, removed now {1}: peers {2}, replays {3}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        // remembered removed | removed in this cycle | peers      | replays | revoked ids | expiries reported
        "-                    | -                     | bob carol  | 0       | 0           | alice-bob alice-carol",
        "alice-carol          | -                     | bob        | 1       | 1           | alice-bob",
        "-                    | alice-bob             | carol      | 1       | 1           | alice-carol",
        "alice-carol          | alice-bob             | -          | 2       | 2           | -",
        "alice-bob            | alice-bob             | carol      | 1       | 1           | alice-carol",
        // a contract alice is not in: its replay is counted (every valid file is judged), the bundle is the same
        "bob-carol            | -                     | bob carol  | 1       | 1           | alice-bob alice-carol",
    })
    void theBundleLeavesOutEveryRemovedId(String known, String removedNow, String peers, int replays, int revokedIds,
            String expiries) throws Exception {
        start(split(known));
        DeriveStep.Derived d = derive(head, split(removedNow));

        Map<String, String> names = Map.of(Fingerprint.of(bob.root), "bob", Fingerprint.of(carol.root), "carol");
        assertThat(d.bundle().ownHash()).isEqualTo(Fingerprint.of(alice.root));
        assertThat(d.bundle().peers()).extracting(PeerRoot::hash).extracting(names::get)
                .containsExactlyInAnyOrderElementsOf(split(peers));
        assertThat(status.peers()).isEqualTo(split(peers).size());
        assertThat(status.ignoredReplays()).isEqualTo(replays);
        assertThat(status.revokedIds()).isEqualTo(revokedIds);
        assertThat(status.invalidFiles()).isZero();
        assertThat(status.contractExpiries().keySet()).containsExactlyInAnyOrderElementsOf(split(expiries));
    }

    @Test
    void anUnchangedDerivationIsReusedAndNoCommitMeansNoBundle() throws Exception {
        start(List.of());
        DeriveStep.Derived first = derive(head, List.of());
        assertThat(derive(head, List.of()).bundle()).isSameAs(first.bundle());
        // a removal in this cycle derives again, even for the same commit
        assertThat(derive(head, List.of("alice-bob")).bundle()).isNotSameAs(first.bundle());
        assertThat(derive(null, List.of()).bundle()).isNull();
    }
}
