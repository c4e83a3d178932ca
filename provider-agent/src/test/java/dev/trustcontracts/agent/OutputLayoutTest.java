package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The operator guide's table of output files lists exactly the files of the {@link OutputLayout}, in its order. */
class OutputLayoutTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|");

    @Test
    void theGuideListsEveryFileTheAgentWrites() throws Exception {
        // the tests run in the module's directory; the guide is in the repository's docs/
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "provider-agent.md"));
        int start = lines.indexOf("## 3. Outputs");
        assertThat(start).as("the guide's section 3. Outputs").isNotNegative();
        List<String> listed = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                listed.add(m.group(1));
            }
        }
        assertThat(listed).containsExactlyElementsOf(OutputLayout.FILES);
    }

    @Test
    void pathsAreInTheOutputDirectory() {
        OutputLayout layout = new OutputLayout(Path.of("/etc/trust"));
        assertThat(List.of(layout.ca(), layout.cert(), layout.key(), layout.chain(), layout.keystore(),
                layout.truststore(), layout.keystorePassword(), layout.state(),
                layout.dir().resolve(OutputLayout.spiffeDomain("<trust-domain>")),
                layout.dir().resolve(OutputLayout.SPIFFE_BUNDLE_MAP)))
                .extracting(p -> layout.dir().relativize(p).toString()).containsExactlyElementsOf(OutputLayout.FILES);
        assertThat(layout.dir().resolve(OutputLayout.SPIFFE_BUNDLE_MAP).getParent()).isEqualTo(layout.spiffeDir());
        assertThat(List.of(layout.ca(), layout.state(), layout.workDir())).allMatch(p -> p.getParent().equals(layout.dir()));
        assertThat(layout.workDir().getFileName().toString()).isEqualTo(OutputLayout.WORK_DIR);
    }
}
