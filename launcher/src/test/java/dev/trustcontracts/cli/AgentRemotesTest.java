package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --remote} given more than once, from flags, a configuration file (a list) and {@code TRUSTCTL_AGENT_REMOTE}
 * (comma-separated): the agent gets every remote in order, and a run whose first remote is missing still syncs from
 * the second, against a real PKI and a real repository.
 */
class AgentRemotesTest {
    @TempDir
    Path dir;
    AgentZone zone;
    String good;
    String missing;

    @BeforeEach
    void setUp() throws Exception {
        zone = AgentZone.create(dir);
        good = zone.remote();
        missing = dir.resolve("missing.git").toUri().toString();
    }

    @AfterEach
    void tearDown() {
        zone.close();
    }

    private List<String> common() {
        return List.of("--pki", "127.0.0.1:" + zone.pki().port(), "--pki-fingerprint", zone.ca().fingerprint(),
                "--out", dir.resolve("out").toString(), "--once");
    }

    private String[] agent(String... more) {
        List<String> args = new ArrayList<>(List.of("agent"));
        args.addAll(common());
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The remotes the agent command holds after parsing, as it hands them to AgentConfig. */
    private static List<String> parsed(Map<String, String> env, String... args) {
        CommandLine cl = Trustctl.commandLine(Clock.systemUTC(), env);
        CommandLine.ParseResult r = cl.parseArgs(args);
        AgentCommand agent = r.subcommand().commandSpec().commandLine().getCommand();
        return agent.remotes;
    }

    private Path config(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void repeatedFlagsGiveEveryRemoteInOrderAndTheMissingFirstDoesNotStopTheSync() {
        assertThat(parsed(Map.of(), agent("--remote", missing, "--remote", good))).containsExactly(missing, good);
        Cli r = Cli.run(agent("--remote", missing, "--remote", good));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("agent: synced ");
    }

    @Test
    void aConfigurationFileListAndTheVariableGiveSeveralRemotesAndAFlagReplacesThem() throws Exception {
        Path f = config("remote:\n  - " + missing + "\n  - " + good + "\n");
        // agent() puts --once before --config: a flag read before the file once made picocli read the configuration
        // without it (and keep that reading); the file counts wherever --config stands
        assertThat(parsed(Map.of(), agent("--config", f.toString()))).containsExactly(missing, good);
        assertThat(parsed(Map.of(), "agent", "--config", f.toString(), "--pki", "127.0.0.1:1", "--out", "o"))
                .containsExactly(missing, good);
        Cli fromFile = Cli.run(agent("--config", f.toString()));
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).startsWith("agent: synced ");

        Map<String, String> env = Map.of("TRUSTCTL_AGENT_REMOTE", missing + "," + good);
        assertThat(parsed(env, agent())).containsExactly(missing, good);
        Cli fromEnv = Cli.run(env, agent());
        assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();

        assertThat(parsed(env, agent("--remote", good))).as("flags replace the list, as for every option")
                .containsExactly(good);
        assertThat(parsed(Map.of("TRUSTCTL_AGENT_CONFIG", f.toString(), "TRUSTCTL_AGENT_REMOTE", good), agent()))
                .as("the variable replaces the file's list").containsExactly(good);
    }

    @Test
    void noRemoteADuplicateAndEveryRemoteMissingAreOneLineEach() {
        Cli none = Cli.run(agent());
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).isEqualTo("trustctl: missing required option: '--remote=URL'; see 'trustctl agent "
                + "--help'\n");

        Cli twice = Cli.run(agent("--remote", good, "--remote", good));
        assertThat(twice.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(twice.err()).isEqualTo("trustctl agent: --remote: each remote may be given once\n");

        String other = dir.resolve("other.git").toUri().toString();
        Cli down = Cli.run(agent("--remote", missing, "--remote", other));
        assertThat(down.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(down.err()).startsWith("trustctl agent: [remote] no remote could be fetched: fetch from " + missing)
                .contains("; fetch from " + other).doesNotContain("\tat ");
        assertThat(down.err().lines()).hasSize(1);
    }
}
