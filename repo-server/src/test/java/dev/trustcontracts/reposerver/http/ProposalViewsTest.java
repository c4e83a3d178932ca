package dev.trustcontracts.reposerver.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.reposerver.index.TreeValidator;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proposal page's cache (moved from BoundedWorkTest with {@link ProposalViews}): views are computed once
 * per main, tip and minute, the cache is bounded, and a proposal too large to judge is refused in one line.
 */
class ProposalViewsTest {
    @TempDir
    Path tmp;

    @Test
    void proposalViewsAreCachedPerMainAndTipAndHugeOnesAreRefused() throws Exception {
        try (Fixture fx = new Fixture(tmp)) {
            Repository repo = fx.server.repository().git();
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            ObjectId small = Fixture.commit(git, main.name(), Fixture.change().contract("contracts/alice-bob.yaml",
                    TestZone.draft("alice-bob", Fixture.ALICE, Fixture.BOB)));
            assertThat(Fixture.push(git, Fixture.credentials(), false, small, "proposals/small").ok()).isTrue();

            Instant[] now = {Instant.now()};
            Clock clock = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now[0];
                }
            };
            TreeValidator validator = new TreeValidator(repo, new TreeScanner(), ScanLimits.DEFAULT);
            ProposalViews views = new ProposalViews(fx.server.repository(), fx.server.index(), validator, clock);
            Map<String, Object> first = views.view("proposals/small", small);
            assertThat(views.view("proposals/small", small)).isSameAs(first);
            assertThat(views.computed()).isEqualTo(1);
            now[0] = now[0].plus(ProposalViews.FRESH).plusSeconds(1);
            views.view("proposals/small", small);
            assertThat(views.computed()).as("recomputed once stale (problems depend on the time)").isEqualTo(2);
            for (int i = 0; i < ProposalViews.MAX_ENTRIES + 5; i++) {
                views.view("proposals/small-" + i, small);
            }
            views.view("proposals/small", small);
            assertThat(views.computed()).as("the cache is bounded: the oldest view was dropped")
                    .isEqualTo(2 + ProposalViews.MAX_ENTRIES + 5 + 1);

            // a branch that changes more files than a push may (made on the server, as an old branch could be)
            Fixture.Change huge = Fixture.change();
            byte[] content = Fixture.yaml(TestZone.draft("x", Fixture.ALICE, Fixture.BOB));
            for (int i = 0; i <= ScanLimits.DEFAULT.maxChangedFiles(); i++) {
                huge.put("contracts/h" + i + ".yaml", content);
            }
            ObjectId big;
            try (Git server = Git.wrap(repo)) {
                big = Fixture.commit(server, main.name(), huge);
            }
            RefUpdate ru = repo.updateRef("refs/heads/proposals/huge");
            ru.setNewObjectId(big);
            assertThat(ru.update()).isEqualTo(RefUpdate.Result.NEW);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(fx.server.httpUrl() + "/api/proposals/proposals/huge")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains("proposal \\\"proposals/huge\\\" is too large to show: more than 1000 files");
            assertThat(r.body().length()).isLessThan(4096);
            HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(fx.server.httpUrl() + "/api/proposals/proposals/small")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }
}
