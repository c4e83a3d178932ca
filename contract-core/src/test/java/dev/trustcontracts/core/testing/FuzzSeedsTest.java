package dev.trustcontracts.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Regenerates the committed fuzz seeds on request ({@code -Dfuzz.writeSeeds=true}, into the module's src/test/resources). */
class FuzzSeedsTest {
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true",
            disabledReason = "writes fuzz seed files only when -Dfuzz.writeSeeds=true is given")
    void writeSeeds() throws Exception {
        Path resources = Path.of("src/test/resources"); // surefire runs in the module directory
        FuzzSeeds.write(resources);
        for (String name : FuzzSeeds.SIGNED) {
            assertThat(resources.resolve(FuzzSeeds.DIR.substring(1) + name + ".yaml")).isNotEmptyFile();
        }
    }

    /** Writes only the rotation seed ({@code -Dfuzz.writeRotationSeed=true}), leaving the pinned older seeds as they are. */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeRotationSeed", matches = "true",
            disabledReason = "writes the rotation seed only when -Dfuzz.writeRotationSeed=true is given")
    void writeRotationSeed() throws Exception {
        Path dir = Path.of("src/test/resources").resolve(FuzzSeeds.DIR.substring(1));
        FuzzSeeds.writeRotation(dir);
        assertThat(dir.resolve("rotation.yaml")).isNotEmptyFile();
    }
}
