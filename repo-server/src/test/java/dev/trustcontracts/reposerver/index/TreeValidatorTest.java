package dev.trustcontracts.reposerver.index;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TreeValidator} on its own, one row per rule of how a push is judged: a change on top of a main, judged
 * as the next main and as a proposal at a given time, gives these blocking rules (and these warnings on main).
 * Real repositories in a temporary directory; contracts signed by real zones.
 */
class TreeValidatorTest {
    private static final Contract SIGNED = TestZone.signed("alice-bob", ALICE, BOB);
    private static final Contract DRAFT = TestZone.draft("alice-bob", ALICE, BOB);
    /** The contracts run a year from yesterday: 400 days on, every one of them has expired. */
    private static final Duration LATER = Duration.ofDays(400);

    @TempDir
    Path tmp;

    /**
     * @param base              files on main before the change (null: the empty main of a new repository)
     * @param change            the change judged
     * @param after             how long after {@link TestZone#NOW} it is judged
     * @param mainBlocking      the rules that refuse it as the next main
     * @param proposalBlocking  the rules that refuse it as a proposal
     * @param mainWarnings      the rules shown as warnings when it is judged as the next main
     */
    record Row(String name, Fixture.Change base, Fixture.Change change, Duration after, Set<String> mainBlocking,
               Set<String> proposalBlocking, Set<String> mainWarnings) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                new Row("a contract signed by every zone is valid everywhere", null,
                        Fixture.change().contract("contracts/alice-bob.yaml", SIGNED), Duration.ZERO,
                        Set.of(), Set.of(), Set.of()),
                new Row("an unsigned draft blocks main and is a note on a proposal", null,
                        Fixture.change().contract("contracts/alice-bob.yaml", DRAFT), Duration.ZERO,
                        Set.of("signature-missing"), Set.of(), Set.of()),
                new Row("a signature missing from one zone blocks main", null,
                        Fixture.change().contract("contracts/alice-bob.yaml", ALICE.sign(DRAFT)), Duration.ZERO,
                        Set.of("signature-missing"), Set.of(), Set.of()),
                new Row("bytes that are not YAML block both", null,
                        Fixture.change().put("contracts/broken.yaml", bytes("name: [unclosed")), Duration.ZERO,
                        Set.of("parse"), Set.of("parse"), Set.of()),
                new Row("a file name that differs from the contract's name blocks both", null,
                        Fixture.change().contract("contracts/bob-alice.yaml", SIGNED), Duration.ZERO,
                        Set.of("name"), Set.of("name"), Set.of()),
                new Row("one contract in two files blocks both", null,
                        Fixture.change().contract("contracts/alice-bob.yaml", SIGNED)
                                .contract("contracts/alice-bob.yml", SIGNED), Duration.ZERO,
                        Set.of("duplicate-name", "duplicate-id"), Set.of("duplicate-name", "duplicate-id"), Set.of()),
                new Row("an added contract that has expired blocks both", null,
                        Fixture.change().contract("contracts/alice-bob.yaml", SIGNED), LATER,
                        Set.of("expired"), Set.of("expired"), Set.of()),
                new Row("a file on main that expired since is a warning when the change leaves it alone",
                        Fixture.change().contract("contracts/alice-bob.yaml", SIGNED),
                        Fixture.change().put("README.md", bytes("notes\n")), LATER,
                        Set.of(), Set.of(), Set.of("expired")),
                new Row("deleting a contract is valid", Fixture.change().contract("contracts/alice-bob.yaml", SIGNED),
                        Fixture.change().delete("contracts/alice-bob.yaml"), Duration.ZERO,
                        Set.of(), Set.of(), Set.of()),
                new Row("an unsigned file already on main is judged again when the change touches another",
                        Fixture.change().contract("contracts/alice-bob.yaml", DRAFT),
                        Fixture.change().contract("contracts/alice-carol.yaml", TestZone.signed("alice-carol", ALICE,
                                CAROL)), Duration.ZERO,
                        Set.of("signature-missing"), Set.of(), Set.of()),
                new Row("more changed files than the limit are refused before any is read", null,
                        Fixture.change().put("contracts/a.yaml", bytes("x")).put("contracts/b.yaml", bytes("y"))
                                .put("contracts/c.yaml", bytes("z")), Duration.ZERO,
                        Set.of("too-many-files"), Set.of("too-many-files"), Set.of()))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void judges(Row row) throws Exception {
        try (ContractRepository repository = ContractRepository.openOrCreate(tmp)) {
            Git git = Git.wrap(repository.git());
            ObjectId main = repository.main();
            if (row.base() != null) {
                main = Fixture.commit(git, main.name(), row.base());
            }
            ObjectId next = Fixture.commit(git, main.name(), row.change());
            ScanLimits limits = new ScanLimits(ScanLimits.DEFAULT.maxFileBytes(),
                    ScanLimits.DEFAULT.maxContractFiles(), 2);
            TreeValidator validator = new TreeValidator(repository.git(),
                    new TreeScanner(new ContractVerifier(), limits), limits);
            TreeValidator.Scanned base = validator.scan(main);
            Instant at = TestZone.NOW.plus(row.after());

            TreeValidator.Verdict asMain = validator.forMain(base, next, at);
            assertThat(rules(asMain.blocking())).as("blocking as main").isEqualTo(row.mainBlocking());
            assertThat(rules(asMain.warnings())).as("warnings as main").containsAll(row.mainWarnings());
            assertThat(asMain.accepted()).isEqualTo(row.mainBlocking().isEmpty());
            assertThat(asMain.commit()).isEqualTo(next);

            TreeValidator.Verdict asProposal = validator.forProposal(base, next, at);
            assertThat(rules(asProposal.blocking())).as("blocking as proposal").isEqualTo(row.proposalBlocking());
            if (asMain.state() != null) {
                // the incremental state equals a full read of the new tree: the index can take it as it is
                assertThat(asMain.scanned().state().judge(at).valid())
                        .isEqualTo(validator.scan(next).state().judge(at).valid());
            }
        }
    }

    private static Set<String> rules(List<Problem> problems) {
        Set<String> out = new TreeSet<>();
        problems.forEach(p -> out.add(p.rule().code()));
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
