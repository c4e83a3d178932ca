package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.Access;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainCommandTest {
    @TempDir
    Path tmp;

    /** The audit line of a merge or revoke names the main the change replaced, also after a retry. */
    @Test
    void aRetryReportsTheMainItReplacedNotTheOneReadBeforeTheCall() throws Exception {
        try (ContractRepository repository = ContractRepository.openOrCreate(tmp)) {
            Clock clock = Clock.fixed(TestZone.NOW, ZoneOffset.UTC);
            ScanLimits limits = ScanLimits.DEFAULT;
            TreeValidator validator = new TreeValidator(repository.git(),
                    new TreeScanner(new ContractVerifier(), limits), limits);
            MainHistory history = new MainHistory(repository.git(),
                    new HistoryRules(new ContractVerifier(), limits.maxFileBytes(), HistoryLimits.DEFAULT));
            try (ContractIndex index = new ContractIndex(repository, validator, clock, Duration.ofHours(1), history)) {
                index.load();
                RefUpdates updates = new RefUpdates(repository, validator, index, new ServerMetrics(), clock, history);
                ObjectId before = repository.main();
                ObjectId[] moved = new ObjectId[1];
                MainCommand<ObjectId> cmd = new MainCommand<>(repository, updates, new ServerMetrics()) {
                    @Override
                    void checkRequest() {
                    }

                    @Override
                    Attempt<ObjectId> attempt(ObjectId main) throws IOException {
                        if (moved[0] == null) { // another update moves main while the first attempt is built
                            moved[0] = Fixture.commit(Git.wrap(repository.git()), main.name(), Fixture.change()
                                    .put("README.md", "moved\n".getBytes(StandardCharsets.UTF_8)));
                            RefUpdate ru = repository.git().updateRef(ContractRepository.MAIN);
                            ru.setExpectedOldObjectId(main);
                            ru.setNewObjectId(moved[0]);
                            assertThat(ru.update()).isEqualTo(RefUpdate.Result.FAST_FORWARD);
                        }
                        ObjectId tree;
                        try (RevWalk rw = new RevWalk(repository.git())) {
                            tree = rw.parseCommit(main).getTree();
                        }
                        ObjectId c = MainCommit.write(repository.git(), tree, "admin", "test\n", main);
                        return new Attempt<>(c, "test change", false, "test", c);
                    }

                    @Override
                    void count(boolean done) {
                    }
                };
                cmd.user(new Access("admin", Set.of(), true));

                ObjectId landed = cmd.call();

                assertThat(repository.main()).isEqualTo(landed);
                assertThat(cmd.replaced()).as("the main the change replaced").isEqualTo(moved[0])
                        .isNotEqualTo(before);
            }
        }
    }
}
