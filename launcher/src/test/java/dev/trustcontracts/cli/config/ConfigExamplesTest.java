package dev.trustcontracts.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.trustcontracts.cli.Trustctl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The commented examples in docs/config are loaded through the real command parsing, and every option of each
 * command must appear in its example: an option added without documenting it fails here, naming it.
 */
class ConfigExamplesTest {
    /** {@code key: value} or, left unset, {@code #key: value}. */
    private static final Pattern SETTING = Pattern.compile("^(#?)([a-z][a-z0-9-]*):(.*)$");

    @TempDir
    Path dir;

    static Stream<Arguments> examples() {
        return Stream.of(Arguments.of("agent.yaml", List.of("agent")),
                Arguments.of("repo-server.yaml", List.of("repo-server")),
                Arguments.of("pki-serve.yaml", List.of("pki", "serve")));
    }

    private static Path docs() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().resolve("docs/config");
    }

    private static CommandLine command(List<String> path) {
        CommandLine cl = Trustctl.commandLine(Clock.systemUTC(), Map.of());
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }

    /** Parses {@code trustctl PATH --config FILE} with an empty environment, as trustctl would. */
    private void parses(List<String> path, String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        List<String> args = new ArrayList<>(path);
        args.addAll(List.of("--config", f.toString()));
        assertThatCode(() -> Trustctl.commandLine(Clock.systemUTC(), Map.of()).parseArgs(args.toArray(String[]::new)))
                .as(name).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theExampleLoadsAndEveryOptionIsInIt(String file, List<String> path) throws IOException {
        String text = Files.readString(docs().resolve(file));
        parses(path, file, text);

        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, String> comments = new LinkedHashMap<>();
        StringBuilder uncommented = new StringBuilder();
        String previous = "";
        for (String line : text.split("\n")) {
            Matcher m = SETTING.matcher(line);
            if (m.matches()) {
                assertThat(all.put(m.group(2), m.group(3).strip())).as(file + ": " + m.group(2) + " twice").isNull();
                if (m.group(1).isEmpty()) {
                    set.put(m.group(2), m.group(3).strip());
                }
                assertThat(previous).as(file + ": the line above " + m.group(2) + " says what it is").startsWith("# ");
                comments.put(m.group(2), previous);
                uncommented.append(m.group(2)).append(':').append(m.group(3)).append('\n');
            } else {
                assertThat(line).as(file + ": a comment, or a setting as 'key: value' or '#key: value'")
                        .matches("^(#( .*)?)?$");
                uncommented.append(line).append('\n');
            }
            previous = line;
        }
        // every value shown, set or not, is valid for its option
        parses(path, "uncommented-" + file, uncommented.toString());

        ConfigKeys keys = ConfigKeys.of(command(path).getCommandSpec());
        for (String key : keys.options().keySet()) {
            assertThat(all).as(file + " lacks the option --" + key + ": add '# what it does' and '#" + key
                    + ": EXAMPLE' (or its default)").containsKey(key);
        }
        assertThat(keys.options().keySet()).as(file + ": keys that are no option").containsAll(all.keySet());
        set.forEach((key, value) -> {
            OptionSpec o = keys.options().get(key);
            if (o.defaultValue() != null) {
                assertThat(value).as(file + ": " + key + " set to its built-in default").isEqualTo(o.defaultValue());
            } else {
                // required: by picocli, or by the command itself (repo-server's data), as its comment says
                assertThat(o.required() || comments.get(key).endsWith("(required)")).as(file + ": " + key
                        + " is set although it has no default; comment it out unless it is required").isTrue();
            }
        });
    }
}
