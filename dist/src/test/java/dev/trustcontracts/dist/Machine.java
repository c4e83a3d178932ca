package dev.trustcontracts.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's machine without Maven: a PATH of one directory holding links to just the tools bash scripts here
 * use, plus the bin directory of the Java running the tests (which has no mvn either), and a HOME of its own.
 */
record Machine(Path tools, Path javaBin, Path home) {
    private static final List<String> TOOLS = List.of("bash", "readlink", "find");

    static Machine create(Path dir) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : TOOLS) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        return new Machine(tools, Path.of(System.getProperty("java.home"), "bin"), home);
    }

    /** PATH = the tools and java's bin; no mvn on it, which {@link #assertNoMaven} proves. */
    Map<String, String> env() {
        return envWithPath(tools + ":" + javaBin);
    }

    /** The same machine with no java on PATH and no JAVA_HOME. */
    Map<String, String> envWithoutJava() {
        return envWithPath(tools.toString());
    }

    private Map<String, String> envWithPath(String path) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", path);
        env.put("HOME", home.toString());
        return env;
    }

    void assertNoMaven() throws IOException, InterruptedException {
        Proc p = Proc.run(home, env(), List.of(tools.resolve("bash").toString(), "-c", "command -v mvn"));
        assertThat(p.exit()).as("mvn must not be on the test PATH: %s", p).isNotZero();
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(tool + " is not on PATH; the release tests need it");
    }
}
