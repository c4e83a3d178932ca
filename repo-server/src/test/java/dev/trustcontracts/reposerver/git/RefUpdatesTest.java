package dev.trustcontracts.reposerver.git;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RefUpdates}, the one place where refs move, on its own: one row per push (its ref commands, built on a
 * real repository whose main has one contract commit), and per ref the result, a fragment of its message, and
 * where main ends up. Pushes are all or nothing; main only moves forward along first parents.
 */
class RefUpdatesTest {
    private static final Contract SIGNED = TestZone.signed("alice-bob", ALICE, BOB);
    private static final String PROPOSAL = Constants.R_HEADS + "proposals/alice-bob";
    private static final String NOT_APPLIED =
            "not applied: another ref in this push was rejected (pushes are all or nothing)";

    @TempDir
    Path tmp;

    /** The repository a row's push is built on: main at {@code main}, one commit above {@code root}. */
    record Repo(Git git, ObjectId root, ObjectId main) {
        ObjectId commit(ObjectId parent, Fixture.Change change) throws IOException {
            return Fixture.commit(git, parent.name(), change);
        }

        /** A commit with the tree of {@code treeOf} and these parents, in this order. */
        ObjectId merge(ObjectId treeOf, ObjectId... parents) throws IOException {
            try (RevWalk rw = new RevWalk(git.getRepository());
                 ObjectInserter ins = git.getRepository().newObjectInserter()) {
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(rw.parseCommit(treeOf).getTree());
                cb.setParentIds(parents);
                PersonIdent who = new PersonIdent("test", "test@example.invalid");
                cb.setAuthor(who);
                cb.setCommitter(who);
                cb.setMessage("merge\n");
                ObjectId id = ins.insert(cb);
                ins.flush();
                return id;
            }
        }
    }

    @FunctionalInterface
    interface Push {
        List<ReceiveCommand> commands(Repo r) throws IOException;
    }

    /**
     * @param results    per ref: the result and a fragment of its message ("" for none)
     * @param mainMoves  whether main ends on the new commit of the push's main command
     */
    record Row(String name, Push push, Map<String, Expected> results, boolean mainMoves) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Expected(ReceiveCommand.Result result, String message) {
    }

    private static Map<String, Expected> expect(Object... refResultMessage) {
        Map<String, Expected> m = new LinkedHashMap<>();
        for (int i = 0; i < refResultMessage.length; i += 3) {
            m.put((String) refResultMessage[i], new Expected((ReceiveCommand.Result) refResultMessage[i + 1],
                    (String) refResultMessage[i + 2]));
        }
        return m;
    }

    private static final ReceiveCommand.Result OK = ReceiveCommand.Result.OK;
    private static final ReceiveCommand.Result REFUSED = ReceiveCommand.Result.REJECTED_OTHER_REASON;

    static Stream<Arguments> rows() {
        return Stream.of(
                new Row("a valid new contract moves main",
                        r -> List.of(new ReceiveCommand(r.main(), r.commit(r.main(), add("bob-alice", TestZone.signed(
                                "bob-alice", BOB, ALICE))), ContractRepository.MAIN)),
                        expect(ContractRepository.MAIN, OK, ""), true),
                new Row("an unsigned draft is refused on main, naming the rule",
                        r -> List.of(new ReceiveCommand(r.main(), r.commit(r.main(), add("bob-alice", TestZone.draft(
                                "bob-alice", BOB, ALICE))), ContractRepository.MAIN)),
                        expect(ContractRepository.MAIN, REFUSED,
                                "(signature-missing)"), false),
                new Row("an unsigned draft is accepted on a proposal",
                        r -> List.of(new ReceiveCommand(ObjectId.zeroId(), r.commit(r.main(), add("bob-alice",
                                TestZone.draft("bob-alice", BOB, ALICE))), PROPOSAL)),
                        expect(PROPOSAL, OK, ""), false),
                new Row("main cannot be deleted",
                        r -> List.of(new ReceiveCommand(r.main(), ObjectId.zeroId(), ContractRepository.MAIN)),
                        expect(ContractRepository.MAIN, REFUSED, "main cannot be deleted"), false),
                new Row("a tag is refused: only branches are pushed",
                        r -> List.of(new ReceiveCommand(ObjectId.zeroId(), r.main(), Constants.R_TAGS + "v1")),
                        expect(Constants.R_TAGS + "v1", REFUSED, "only branches (refs/heads/...) may be pushed"),
                        false),
                new Row("a push prepared on an older main is non-fast-forward",
                        r -> List.of(new ReceiveCommand(r.root(), r.commit(r.main(), Fixture.change().put(
                                "README.md", bytes("late\n"))), ContractRepository.MAIN)),
                        expect(ContractRepository.MAIN, REFUSED, "non-fast-forward: main moved to"), false),
                new Row("rewriting main is non-fast-forward",
                        r -> List.of(new ReceiveCommand(r.main(), r.commit(r.root(), Fixture.change().put(
                                "README.md", bytes("rewritten\n"))), ContractRepository.MAIN)),
                        expect(ContractRepository.MAIN, REFUSED, "main only moves forward"), false),
                new Row("a merge whose first parent is not main is refused",
                        r -> {
                            ObjectId side = r.commit(r.root(), Fixture.change().put("README.md", bytes("side\n")));
                            return List.of(new ReceiveCommand(r.main(), r.merge(r.main(), side, r.main()),
                                    ContractRepository.MAIN));
                        },
                        expect(ContractRepository.MAIN, REFUSED, "first-parent chain contains"), false),
                new Row("a branch pointing at a blob is refused",
                        r -> {
                            try (ObjectInserter ins = r.git().getRepository().newObjectInserter()) {
                                ObjectId blob = ins.insert(Constants.OBJ_BLOB, bytes("not a commit"));
                                ins.flush();
                                return List.of(new ReceiveCommand(ObjectId.zeroId(), blob, PROPOSAL));
                            }
                        },
                        expect(PROPOSAL, REFUSED, "a branch must point at a commit"), false),
                new Row("the contract id removed from main does not come back",
                        r -> {
                            ObjectId revoked = r.commit(r.main(), Fixture.change().delete("contracts/alice-bob.yaml"));
                            ObjectId back = r.commit(revoked, add("alice-bob", SIGNED));
                            return List.of(new ReceiveCommand(r.main(), back, ContractRepository.MAIN));
                        },
                        expect(ContractRepository.MAIN, REFUSED, "alice-bob"), false),
                new Row("pushes are all or nothing: a refused main keeps a valid proposal out",
                        r -> List.of(
                                new ReceiveCommand(ObjectId.zeroId(), r.commit(r.main(), add("bob-alice",
                                        TestZone.signed("bob-alice", BOB, ALICE))), PROPOSAL),
                                new ReceiveCommand(r.main(), r.commit(r.main(), add("bob-alice",
                                        TestZone.draft("bob-alice", BOB, ALICE))), ContractRepository.MAIN)),
                        expect(PROPOSAL, REFUSED, NOT_APPLIED, ContractRepository.MAIN, REFUSED,
                                "signature-missing"), false),
                new Row("a valid main and a proposal move together",
                        r -> List.of(
                                new ReceiveCommand(ObjectId.zeroId(), r.commit(r.main(), add("bob-alice",
                                        TestZone.draft("bob-alice", BOB, ALICE))), PROPOSAL),
                                new ReceiveCommand(r.main(), r.commit(r.main(), Fixture.change().put("README.md",
                                        bytes("more\n"))), ContractRepository.MAIN)),
                        expect(PROPOSAL, OK, "", ContractRepository.MAIN, OK, ""), true))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void receives(Row row) throws Exception {
        try (ContractRepository repository = ContractRepository.openOrCreate(tmp)) {
            Git git = Git.wrap(repository.git());
            ObjectId root = repository.main();
            ObjectId main = Fixture.commit(git, root.name(), add("alice-bob", SIGNED));
            RefUpdate ru = repository.git().updateRef(ContractRepository.MAIN);
            ru.setNewObjectId(main);
            assertThat(ru.update()).isEqualTo(RefUpdate.Result.FAST_FORWARD);
            Clock clock = Clock.fixed(TestZone.NOW, ZoneOffset.UTC);
            ScanLimits limits = ScanLimits.DEFAULT;
            TreeValidator validator = new TreeValidator(repository.git(),
                    new TreeScanner(new ContractVerifier(), limits), limits);
            MainHistory history = new MainHistory(repository.git(),
                    new HistoryRules(new ContractVerifier(), limits.maxFileBytes(), HistoryLimits.DEFAULT));
            try (ContractIndex index = new ContractIndex(repository, validator, clock, java.time.Duration.ofHours(1),
                    history)) {
                index.load();
                RefUpdates updates = new RefUpdates(repository, validator, index, new ServerMetrics(), clock, history);
                List<ReceiveCommand> commands = row.push().commands(new Repo(git, root, main));
                List<String> report = new ArrayList<>();
                updates.receive(commands, "alice-ops", report::add, null);

                for (ReceiveCommand c : commands) {
                    Expected e = row.results().get(c.getRefName());
                    assertThat(c.getResult()).as(c.getRefName() + ": " + c.getMessage()).isEqualTo(e.result());
                    assertThat(String.valueOf(c.getMessage())).as(c.getRefName()).contains(e.message());
                    boolean moved = c.getNewId().equals(refValue(repository, c.getRefName()));
                    assertThat(moved).as(c.getRefName() + " moved").isEqualTo(e.result() == OK);
                }
                ObjectId mainNow = repository.main();
                ObjectId pushedMain = commands.stream().filter(c -> c.getRefName().equals(ContractRepository.MAIN))
                        .map(ReceiveCommand::getNewId).findFirst().orElse(null);
                assertThat(mainNow.equals(pushedMain)).as("main moved").isEqualTo(row.mainMoves());
                assertThat(index.current().commit()).as("the index follows main").isEqualTo(mainNow.name());
                if (row.results().values().stream().anyMatch(e -> e.result() == REFUSED)) {
                    assertThat(report).as("the client hears why").anyMatch(l -> l.startsWith("error: "));
                }
            }
        }
    }

    private static ObjectId refValue(ContractRepository repository, String ref) throws IOException {
        var r = repository.git().exactRef(ref);
        return r == null ? ObjectId.zeroId() : r.getObjectId();
    }

    private static Fixture.Change add(String name, Contract c) {
        return Fixture.change().contract("contracts/" + name + ".yaml", c);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
