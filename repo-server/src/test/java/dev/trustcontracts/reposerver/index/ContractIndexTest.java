package dev.trustcontracts.reposerver.index;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.git.MainHistory;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ContractIndex} on its own: one row per history of main (commits made straight into a real repository,
 * as a push that was accepted would leave it) and the time it is judged at, and the contracts the index lists.
 */
class ContractIndexTest {
    private static final Contract SIGNED = TestZone.signed("alice-bob", ALICE, BOB);
    private static final Duration LATER = Duration.ofDays(400);

    @TempDir
    Path tmp;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * @param commits the changes main went through, oldest first
     * @param after   how long after {@link TestZone#NOW} the index is loaded
     * @param listed  the names of the contracts it lists, in path order
     */
    record Row(String name, List<Fixture.Change> commits, Duration after, List<String> listed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                new Row("a new repository lists nothing", List.of(), Duration.ZERO, List.of()),
                new Row("a signed contract is listed",
                        List.of(add("alice-bob", SIGNED)), Duration.ZERO, List.of("alice-bob")),
                new Row("an unsigned draft is not listed",
                        List.of(add("alice-bob", TestZone.draft("alice-bob", ALICE, BOB))), Duration.ZERO, List.of()),
                new Row("an expired contract is not listed",
                        List.of(add("alice-bob", SIGNED)), LATER, List.of()),
                new Row("the valid ones are listed beside an invalid one",
                        List.of(add("alice-bob", SIGNED), add("alice-carol", TestZone.draft("alice-carol", ALICE,
                                CAROL)), add("bob-carol", TestZone.signed("bob-carol", BOB, CAROL))),
                        Duration.ZERO, List.of("alice-bob", "bob-carol")),
                new Row("a revoked contract is gone",
                        List.of(add("alice-bob", SIGNED), Fixture.change().delete("contracts/alice-bob.yaml")),
                        Duration.ZERO, List.of()),
                new Row("a revoked contract brought back (its id again) is a replay and not listed",
                        List.of(add("alice-bob", SIGNED), Fixture.change().delete("contracts/alice-bob.yaml"),
                                add("alice-bob", SIGNED)), Duration.ZERO, List.of()),
                new Row("the same zones under a new id after a revocation are listed",
                        List.of(add("alice-bob", SIGNED), Fixture.change().delete("contracts/alice-bob.yaml"),
                                add("alice-bob", TestZone.signed("alice-bob", ALICE, BOB))),
                        Duration.ZERO, List.of("alice-bob")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void lists(Row row) throws Exception {
        try (ContractRepository repository = ContractRepository.openOrCreate(tmp)) {
            ObjectId main = repository.main();
            for (Fixture.Change c : row.commits()) {
                main = Fixture.commit(Git.wrap(repository.git()), main.name(), c);
            }
            moveMain(repository, main);
            MovableClock clock = new MovableClock(TestZone.NOW.plus(row.after()));
            try (ContractIndex index = index(repository, clock)) {
                index.load();
                IndexSnapshot s = index.current();
                assertThat(s.commit()).isEqualTo(main.name());
                assertThat(s.contracts().stream().map(VerifiedContract::name).toList())
                        .isEqualTo(row.listed());
                assertThat(s.generatedAt()).isEqualTo(clock.instant());
            }
        }
    }

    @Test
    void theClockMovingPastAnExpiryDropsTheContractAndTellsTheListeners() throws Exception {
        try (ContractRepository repository = ContractRepository.openOrCreate(tmp)) {
            ObjectId main = Fixture.commit(Git.wrap(repository.git()), repository.main().name(),
                    add("alice-bob", SIGNED));
            moveMain(repository, main);
            MovableClock clock = new MovableClock(TestZone.NOW);
            try (ContractIndex index = index(repository, clock)) {
                List<IndexSnapshot> published = new ArrayList<>();
                index.addListener(published::add);
                index.load();
                assertThat(index.current().contract("alice-bob")).isPresent();
                assertThat(index.current().nextExpiry()).isPresent();

                index.refresh(); // nothing changed: listeners hear nothing new
                assertThat(published).hasSize(1);

                clock.now = TestZone.NOW.plus(LATER);
                index.refresh();
                assertThat(index.current().contract("alice-bob")).isEmpty();
                assertThat(index.current().commit()).as("main did not move").isEqualTo(main.name());
                assertThat(published).hasSize(2);
                assertThat(published.get(1).contracts()).isEmpty();
            }
        }
    }

    private static Fixture.Change add(String name, Contract c) {
        return Fixture.change().contract("contracts/" + name + ".yaml", c);
    }

    private static void moveMain(ContractRepository repository, ObjectId commit) throws Exception {
        RefUpdate ru = repository.git().updateRef(ContractRepository.MAIN);
        ru.setNewObjectId(commit);
        ru.setForceUpdate(true);
        assertThat(ru.update()).isIn(RefUpdate.Result.NO_CHANGE, RefUpdate.Result.FAST_FORWARD,
                RefUpdate.Result.FORCED);
    }

    private static ContractIndex index(ContractRepository repository, Clock clock) {
        ScanLimits limits = ScanLimits.DEFAULT;
        TreeValidator validator = new TreeValidator(repository.git(),
                new TreeScanner(new ContractVerifier(), limits), limits);
        MainHistory history = new MainHistory(repository.git(),
                new HistoryRules(new ContractVerifier(), limits.maxFileBytes(), HistoryLimits.DEFAULT));
        // a recheck far off: the test moves the clock and calls refresh itself
        return new ContractIndex(repository, validator, clock, Duration.ofHours(1), history);
    }
}
