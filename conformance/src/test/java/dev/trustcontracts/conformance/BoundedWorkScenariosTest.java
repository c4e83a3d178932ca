package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quadratic and unbounded work (issue 9, item 5; DESIGN threat "endless data"): trees built so that a
 * naive validator reports every pair, or reads every file, while holding the push lock.
 */
class BoundedWorkScenariosTest extends ConformanceScenario {
    private static final long MAX_OUTPUT = 64 * 1024;

    /** A commit on HEAD adding {@code n} copies of the victim's own file: n duplicate ids and names. */
    private ObjectId copiesOfTheVictim(Clone mallory, int n) throws Exception {
        try (Forge f = mallory.forge()) {
            ObjectId blob = f.blob(dev.trustcontracts.core.contract.ContractCodec.toYaml(victim));
            List<Forge.Entry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                entries.add(new Forge.Entry(String.format("dup-%05d.yaml", i), FileMode.REGULAR_FILE, blob));
            }
            return f.commit(f.withContracts("HEAD", entries), n + " copies", "HEAD");
        }
    }

    /** The push's answer is bounded and names where; the server keeps answering; nothing valid is lost. */
    private void assertBounded(Clone.Counted push, String mention) throws Exception {
        // measured, never asserted as a time: tests do not assume speed
        System.out.printf("conformance: the push was answered in %d ms with %d bytes%n", push.took().toMillis(),
                push.bytes());
        assertThat(push.bytes()).as("bytes the server answered (%s): %s", push.took(), push.preview())
                .isLessThan(MAX_OUTPUT);
        assertThat(push.head().contains(mention)).as("the answer names %s: %s", mention, push.preview()).isTrue();
        assertThat(stage.api.get("/healthz").status()).isEqualTo(200);
        assertVictimIntact();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("T5 3,000 duplicate paths: bounded output")
    void threeThousandDuplicatePaths() throws Exception {
        Clone mallory = stage.clone("mallory");
        ObjectId commit = copiesOfTheVictim(mallory, 3_000);
        Clone.Counted push = mallory.pushCounting(commit.name() + ":refs/heads/propose-dups");
        assertBounded(push, "contracts/");
        // the proposal view, if the branch was taken, is bounded too
        Api.Response view = stage.api.get("/api/proposals/propose-dups");
        assertThat(view.body().length()).as("the proposal view's size").isLessThan(1 << 20);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("T5 900 duplicate paths, under the file limit: every duplicate found, output bounded")
    void nineHundredDuplicatePathsUnderTheFileLimit() throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        ObjectId commit = copiesOfTheVictim(mallory, 900);
        Clone.Counted toMain = mallory.pushCounting(commit.name() + ":refs/heads/main");
        assertThat(toMain.exit()).as(toMain.preview()).isNotZero();
        assertBounded(toMain, "contracts/dup-");
        assertThat(toMain.head()).contains("duplicate-id");
        assertThat(serverMain()).isEqualTo(main);
        Clone.Counted toProposal = mallory.pushCounting(commit.name() + ":refs/heads/propose-dups");
        assertBounded(toProposal, "contracts/dup-");
        Api.Response view = stage.api.get("/api/proposals/propose-dups");
        assertThat(view.body().length()).as("the proposal view's size").isLessThan(1 << 20);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("T5 20,000 files refused early, the server answering meanwhile")
    void twentyThousandFilesRefusedEarly() throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        // 20,000 paths sharing one blob, as in the issue: a small pack, a huge tree
        ObjectId commit = copiesOfTheVictim(mallory, 20_000);
        CompletableFuture<Clone.Counted> toProposal = CompletableFuture.supplyAsync(() -> {
            try {
                return mallory.pushCounting(commit.name() + ":refs/heads/propose-many");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // while the push is judged, other requests are answered: at least one answer must come back before the
        // push ends (a plain while loop could run zero times and prove nothing)
        int answeredMeanwhile = 0;
        do {
            assertThat(stage.api.contracts()).containsKey("alice-bob");
            if (!toProposal.isDone()) {
                answeredMeanwhile++;
            }
            Thread.sleep(50);
        } while (!toProposal.isDone());
        assertThat(answeredMeanwhile).as("API answers completed while the push was judged").isPositive();
        Clone.Counted push = toProposal.get();
        System.out.printf("conformance: 20,000 paths answered in %d ms with %d bytes%n", push.took().toMillis(),
                push.bytes());
        assertThat(push.exit()).as("the push should be refused: %s", push.preview()).isNotZero();
        assertThat(push.bytes()).as("bytes the server answered (%s)", push.took()).isLessThan(MAX_OUTPUT);
        assertThat(push.head()).contains("propose-many");
        Clone.Counted toMain = mallory.pushCounting(commit.name() + ":refs/heads/main");
        assertThat(toMain.exit()).as(toMain.preview()).isNotZero();
        assertThat(toMain.bytes()).isLessThan(MAX_OUTPUT);
        assertThat(serverMain()).isEqualTo(main);
        assertThat(admin.ok("ls-remote", stage.pushUrl())).doesNotContain("propose-many");
        assertVictimIntact();
    }
}
