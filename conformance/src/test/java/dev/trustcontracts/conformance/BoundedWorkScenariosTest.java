package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quadratic and unbounded work (issue 9, item 5; DESIGN threat "endless data"): trees built so that a
 * naive validator reports every pair, or reads every file, while holding the push lock.
 */
class BoundedWorkScenariosTest extends ConformanceScenario {
    private static final long MAX_OUTPUT = 64 * 1024;

    @Test
    @Tag("pending")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("T5 3,000 duplicate paths: bounded output")
    void threeThousandDuplicatePaths() throws Exception {
        Clone mallory = stage.clone("mallory");
        ObjectId commit;
        try (Forge f = mallory.forge()) {
            // the victim's own file, 3,000 times: 3,000 duplicate ids and names
            ObjectId blob = f.blob(dev.trustcontracts.core.contract.ContractCodec.toYaml(victim));
            List<Forge.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                entries.add(new Forge.Entry(String.format("dup-%04d.yaml", i), FileMode.REGULAR_FILE, blob));
            }
            commit = f.commit(f.withContracts("HEAD", entries), "3,000 copies", "HEAD");
        }
        Clone.Counted push = mallory.pushCounting(commit.name() + ":refs/heads/propose-dups");
        assertThat(push.bytes()).as("bytes the server answered (%s): %s", push.took(), push.preview())
                .isLessThan(MAX_OUTPUT);
        assertThat(push.head()).contains("contracts/dup-");
        // the proposal view is bounded too, and the server keeps answering
        Api.Response view = stage.api.get("/api/proposals/propose-dups");
        assertThat(view.body().length()).as("the proposal view's size").isLessThan(1 << 20);
        assertThat(stage.api.get("/healthz").status()).isEqualTo(200);
        assertVictimIntact();
    }

    @Test
    @Tag("pending")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("T5 20,000 files refused early, the server answering meanwhile")
    void twentyThousandFilesRefusedEarly() throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        ObjectId commit;
        try (Forge f = mallory.forge()) {
            List<Forge.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                ObjectId blob = f.blob(("name: f" + i + "\n").getBytes(StandardCharsets.UTF_8));
                entries.add(new Forge.Entry(String.format("f%05d.yaml", i), FileMode.REGULAR_FILE, blob));
            }
            commit = f.commit(f.withContracts("HEAD", entries), "20,000 files", "HEAD");
        }
        CompletableFuture<Clone.Counted> toProposal = CompletableFuture.supplyAsync(() -> {
            try {
                return mallory.pushCounting(commit.name() + ":refs/heads/propose-many");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // while the push is judged, other requests are answered
        while (!toProposal.isDone()) {
            assertThat(stage.api.contracts()).containsKey("alice-bob");
            Thread.sleep(50);
        }
        Clone.Counted push = toProposal.get();
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
