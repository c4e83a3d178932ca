package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C git command line clones, pushes, and shows the server's rejection lines. */
class CommandLineGitTest {
    @TempDir
    Path tmp;

    @Test
    void cloneCommitPushAndSeeRejections() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it this interoperability test is skipped");
        try (Fixture fx = new Fixture(tmp)) {
            CGit.Run clone = CGit.run(tmp, "clone", fx.server.gitUrl(), "work");
            assertThat(clone.exit()).as(clone.out()).isZero();
            Path work = tmp.resolve("work");
            assertThat(work.resolve("contracts/.gitkeep")).exists();
            assertThat(CGit.run(work, "rev-parse", "--abbrev-ref", "HEAD").out().trim()).isEqualTo("main");

            String authed = fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                    + Fixture.PASSWORD.replace(" ", "%20") + "@");

            // an unsigned contract: refused, with one remote line per problem
            Files.writeString(work.resolve("contracts/alice-bob.yaml"),
                    new String(Fixture.yaml(TestZone.draft("alice-bob", ALICE, BOB))));
            CGit.run(work, "add", "-A");
            CGit.run(work, "commit", "-qm", "unsigned contract");
            CGit.Run refused = CGit.run(work, "push", authed, "HEAD:main");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.out())
                    .contains("remote: contracts/alice-bob.yaml: [signature-missing] participant alice: has not signed")
                    .contains("remote: contracts/alice-bob.yaml: [signature-missing] participant bob: has not signed")
                    .contains("[remote rejected] HEAD -> main (the resulting main is not valid");

            // anonymous push: git reports the authentication failure
            CGit.Run anonymous = CGit.run(work, "push", fx.server.gitUrl(), "HEAD:main");
            assertThat(anonymous.exit()).isNotZero();

            // signed: accepted
            Files.writeString(work.resolve("contracts/alice-bob.yaml"),
                    new String(Fixture.yaml(TestZone.signed("alice-bob", ALICE, BOB))));
            CGit.run(work, "commit", "-qam", "signed contract");
            CGit.Run ok = CGit.run(work, "push", authed, "HEAD:main");
            assertThat(ok.exit()).as(ok.out()).isZero();
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();

            // a second clone sees it
            CGit.Run clone2 = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work2");
            assertThat(clone2.exit()).as(clone2.out()).isZero();
            assertThat(tmp.resolve("work2/contracts/alice-bob.yaml")).exists();
        }
    }
}
