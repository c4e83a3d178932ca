package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.proto.v1.Contract;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Malicious trees (issue 9, item 7; DESIGN threat "endless data / malicious trees"): contracts where
 * the layout says they may not be, symlinks and submodules. Each carries a real, fully signed contract
 * with carol, so that a lax reader would trust her.
 */
class LayoutScenariosTest extends ConformanceScenario {

    /** Pushes the clone's HEAD to main (refused, naming {@code path}) and to a hostile host (ignored by agents). */
    private void assertRefusedEverywhere(Clone mallory, String path) throws Exception {
        String main = serverMain();
        assertRefused(mallory.pushUnchecked("HEAD:refs/heads/main"), path);
        assertThat(serverMain()).isEqualTo(main);
        assertThat(stage.api.contracts()).containsOnlyKeys("alice-bob");
        hostileHostWithAliceAgent();
        mallory.pushTo(hostile.pushPath(), "HEAD:refs/heads/main");
        assertNotTrusted(cast.carol, viaHost, aliceAgent);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T7 contracts/x.YAML refused")
    void upperCaseExtension() throws Exception {
        Clone mallory = stage.clone("mallory");
        mallory.contractAt("contracts/alice-carol.YAML", cast.aliceCarol("alice-carol")).commit("upper case");
        assertRefusedEverywhere(mallory, "contracts/alice-carol.YAML");
    }

    @Test
    @DisplayName("Malicious tree: a contract outside the layout (contracts/nested/)")
    void contractInASubdirectory() throws Exception {
        Clone mallory = stage.clone("mallory");
        mallory.contractAt("contracts/nested/alice-carol.yaml", cast.aliceCarol("alice-carol")).commit("nested");
        assertRefusedEverywhere(mallory, "contracts/nested/alice-carol.yaml");
    }

    @Test
    @DisplayName("Malicious tree: a symlink where a contract belongs")
    void symlinkContract() throws Exception {
        Clone mallory = stage.clone("mallory");
        Contract c = cast.aliceCarol("alice-carol");
        mallory.contractAt("elsewhere/alice-carol.yaml", c);
        java.nio.file.Files.createSymbolicLink(mallory.work.resolve("contracts/alice-carol.yaml"),
                java.nio.file.Path.of("../elsewhere/alice-carol.yaml"));
        mallory.commit("a link to a contract kept outside");
        assertRefusedEverywhere(mallory, "contracts/alice-carol.yaml");
    }

    @Test
    @DisplayName("Malicious tree: a submodule under contracts/")
    void submoduleUnderContracts() throws Exception {
        Clone mallory = stage.clone("mallory");
        // a gitlink to a commit holding the contract with carol
        mallory.contract(cast.aliceCarol("alice-carol")).commit("carrier");
        String carrier = mallory.head();
        mallory.ok("reset", "-q", "--hard", "HEAD~1");
        try (Forge f = mallory.forge()) {
            ObjectId tree = f.withContracts("HEAD", List.of(
                    new Forge.Entry("sub", FileMode.GITLINK, ObjectId.fromString(carrier))));
            ObjectId commit = f.commit(tree, "a submodule", "HEAD");
            mallory.ok("reset", "-q", "--soft", commit.name());
        }
        assertRefusedEverywhere(mallory, "contracts/sub");
    }
}
