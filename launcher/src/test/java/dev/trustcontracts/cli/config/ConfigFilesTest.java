package dev.trustcontracts.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.cli.Cli;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.Trustctl;
import dev.trustcontracts.core.net.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Configuration files and TRUSTCTL_* variables read through the real command line: each precedence level, and
 * every way a file or a variable is refused (one line, naming file and line or the variable, no class name).
 */
class ConfigFilesTest {
    /** What a Java class name in a message looks like. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(java|javax|com|org|picocli)\\.[a-z]|Exception|Error:");
    private static final String AGENT_REQUIRED = "remote: file:///srv/contracts.git\npki: 127.0.0.1:9443\nout: /tmp/out\n";

    @TempDir
    Path dir;

    private Path file(String name, String yaml) throws IOException {
        return file(name, yaml.getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** Parses a command line with this environment and returns the subcommand's parsed option values. */
    private static CommandLine parsed(Map<String, String> env, String... args) {
        CommandLine root = Trustctl.commandLine(Clock.systemUTC(), env);
        CommandLine.ParseResult r = root.parseArgs(args);
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return r.commandSpec().commandLine();
    }

    private static Object value(CommandLine cl, String option) {
        return cl.getCommandSpec().findOption(option).getValue();
    }

    /** The one line a refused configuration prints, after checking it is one line, usage exit code, no class name. */
    private static String refusal(Cli r) {
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContainPattern(CLASS_NAME).doesNotContain("Usage:");
        return r.err().strip();
    }

    // ---- precedence: flag > environment > file > built-in default ----

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
        Path f = file("agent.yaml", AGENT_REQUIRED + "interval: 10s\n");
        Map<String, String> env = Map.of("TRUSTCTL_AGENT_INTERVAL", "20s");
        assertThat(value(parsed(env, "agent", "--config", f.toString(), "--interval", "40s"), "--interval"))
                .as("flag").isEqualTo(Duration.ofSeconds(40));
        assertThat(value(parsed(env, "agent", "--config", f.toString()), "--interval"))
                .as("environment over file").isEqualTo(Duration.ofSeconds(20));
        assertThat(value(parsed(Map.of(), "agent", "--config", f.toString()), "--interval"))
                .as("file over default").isEqualTo(Duration.ofSeconds(10));
        assertThat(value(parsed(Map.of(), "agent", "--config", file("bare.yaml", AGENT_REQUIRED).toString()),
                "--interval")).as("built-in default").isEqualTo(Duration.ofSeconds(30));
        assertThat(value(parsed(env, "agent", "--remote", "x", "--pki", "127.0.0.1:1", "--out", "o"), "--interval"))
                .as("environment without a file").isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aFlagBeforeConfigDoesNotHideTheFile() throws IOException {
        // picocli looks up a flag's default as it reads the flag, before --config is parsed: the configuration read
        // then (without the file) must not be the one the other options get
        Path f = file("agent.yaml", AGENT_REQUIRED + "interval: 10s\nname: web\n");
        CommandLine cl = parsed(Map.of(), "agent", "--once", "--config", f.toString());
        assertThat(value(cl, "--interval")).isEqualTo(Duration.ofSeconds(10));
        assertThat(value(cl, "--name")).isEqualTo("web");
        assertThat(value(cl, "--remote")).isEqualTo(List.of("file:///srv/contracts.git"));
    }

    @Test
    void requiredOptionsMayComeFromTheFileOrTheEnvironmentAndAreStillRequired() throws IOException {
        CommandLine fromFile = parsed(Map.of(), "agent", "--config", file("a.yaml", AGENT_REQUIRED).toString());
        assertThat(value(fromFile, "--remote")).isEqualTo(List.of("file:///srv/contracts.git"));
        assertThat(value(fromFile, "--pki")).isEqualTo(HostPort.parse("127.0.0.1:9443"));
        assertThat(value(fromFile, "--out")).isEqualTo(Path.of("/tmp/out"));

        CommandLine fromEnv = parsed(Map.of("TRUSTCTL_AGENT_REMOTE", "https://example.org/c.git",
                "TRUSTCTL_AGENT_PKI", "pki.example.org:9443", "TRUSTCTL_AGENT_OUT", "/var/out"), "agent");
        assertThat(value(fromEnv, "--remote")).isEqualTo(List.of("https://example.org/c.git"));

        Cli missing = Cli.run(Map.of("TRUSTCTL_AGENT_REMOTE", "x"), "agent");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).containsIgnoringCase("missing required options").contains("--pki").contains("--out")
                .doesNotContain("'--remote");
    }

    @Test
    void theConfigFileItselfMayComeFromTheEnvironmentAndTheFlagBeatsIt() throws IOException {
        Path one = file("one.yaml", AGENT_REQUIRED + "name: one\n");
        Path two = file("two.yaml", AGENT_REQUIRED + "name: two\n");
        Map<String, String> env = Map.of("TRUSTCTL_AGENT_CONFIG", one.toString());
        assertThat(value(parsed(env, "agent"), "--name")).isEqualTo("one");
        assertThat(value(parsed(env, "agent", "--config", two.toString()), "--name")).isEqualTo("two");
    }

    @Test
    void repeatableOptionsTakeListsAndAFlagReplacesTheWholeList() throws IOException {
        Path f = file("pki.yaml", "dir: /srv/ca\nserver-name:\n  - pki.example.org\n  - 10.0.0.7\n"
                + "allow-name: [localhost]\naudit-log: '-'\n");
        CommandLine cl = parsed(Map.of(), "pki", "serve", "--config", f.toString());
        assertThat(value(cl, "--server-name")).isEqualTo(List.of("pki.example.org", "10.0.0.7"));
        assertThat(value(cl, "--allow-name")).as("a one-element list").isEqualTo(List.of("localhost"));
        assertThat(value(cl, "--audit-log")).as("a scalar is a list of one").isEqualTo(List.of("-"));
        assertThat(value(parsed(Map.of(), "pki", "serve", "--config", f.toString(), "--server-name", "other"),
                "--server-name")).isEqualTo(List.of("other"));
        assertThat(value(parsed(Map.of("TRUSTCTL_PKI_SERVE_SERVER_NAME", "a.example.org,b.example.org"), "pki",
                "serve", "--config", f.toString()), "--server-name")).as("comma-separated in the environment")
                .isEqualTo(List.of("a.example.org", "b.example.org"));
    }

    @Test
    void flagsTakeTrueOrFalse() throws IOException {
        Path on = file("on.yaml", "data: /srv/data\nprivate: true\nplaintext: false\n");
        CommandLine cl = parsed(Map.of(), "repo-server", "--config", on.toString());
        assertThat(value(cl, "--private")).isEqualTo(true);
        assertThat(value(cl, "--plaintext")).isEqualTo(false);
        assertThat(value(parsed(Map.of("TRUSTCTL_REPO_SERVER_PRIVATE", "true"), "repo-server"), "--private"))
                .isEqualTo(true);
        assertThat(refusal(Cli.run(Map.of(), "repo-server", "--config", file("yes.yaml", "private: yes\n").toString())))
                .isEqualTo("trustctl repo-server: config " + dir.resolve("yes.yaml")
                        + " line 1: bad value for 'private': 'yes' is not true or false");
    }

    // ---- refusals ----

    @Test
    void anUnknownKeyIsRefusedNamingFileLineAndTheKeyMeant() throws IOException {
        Path f = file("agent.yaml", "# the agent\npki: 127.0.0.1:9443\nremtoe: https://example.org/c.git\n");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString()))).isEqualTo("trustctl agent: config "
                + f + " line 3: unknown key 'remtoe' for trustctl agent (did you mean 'remote'?)");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("b.yaml", "colour: blue\n").toString())))
                .endsWith("line 1: unknown key 'colour' for trustctl agent");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("c.yaml", "config: other.yaml\n").toString())))
                .endsWith("line 1: a configuration file cannot name another (--config)");
    }

    @Test
    void aBadValueFailsAsTheSameFlagWouldWithTheFileAndKeyNamed() throws IOException {
        Path f = file("agent.yaml", AGENT_REQUIRED + "interval: 5x\n");
        String fromFile = refusal(Cli.run(Map.of(), "agent", "--config", f.toString()));
        assertThat(fromFile).isEqualTo("trustctl agent: config " + f + " line 4: bad value for 'interval': "
                + "'5x' is not a duration (use for example 30s, 15m, 24h or 365d)");
        Cli flag = Cli.run(Map.of(), "agent", "--remote", "x", "--pki", "127.0.0.1:1", "--out", "o", "--interval", "5x");
        assertThat(flag.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(flag.err()).contains("'5x' is not a duration (use for example 30s, 15m, 24h or 365d)");

        assertThat(refusal(Cli.run(Map.of(), "repo-server", "--config",
                file("r.yaml", "data: /d\nmax-threads: many\n").toString())))
                .endsWith("line 2: bad value for 'max-threads': 'many' is not an int");
        assertThat(refusal(Cli.run(Map.of(), "repo-server", "--config",
                file("l.yaml", "data: /d\nlisten: nowhere\n").toString())))
                .contains("line 2: bad value for 'listen': ");
        // a bad value is refused even where the command line overrides it: the file is wrong either way
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString(), "--interval", "30s")))
                .contains("bad value for 'interval'");
    }

    @Test
    void aValueOfTheWrongShapeIsRefusedNamingTheKey() throws IOException {
        String where = "trustctl agent: config " + dir.resolve("a.yaml") + " line 4: ";
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                file("a.yaml", AGENT_REQUIRED + "interval: [10s, 20s]\n").toString())))
                .isEqualTo(where + "key 'interval' takes one value, not a list");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                file("a.yaml", AGENT_REQUIRED + "interval:\n  every: 10s\n").toString())))
                .isEqualTo(where + "key 'interval' takes one value, not a mapping");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                file("a.yaml", AGENT_REQUIRED + "name: true\n").toString())))
                .isEqualTo(where + "key 'name' takes one value, not true (quote it if you mean the text)");
        for (String empty : List.of("name:\n", "name: ~\n", "name: ''\n", "name: null\n")) {
            assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                    file("a.yaml", AGENT_REQUIRED + empty).toString())))
                    .as(empty).isEqualTo(where + "key 'name' has no value; give one or remove the key");
        }
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                file("a.yaml", AGENT_REQUIRED + "once: [true]\n").toString())))
                .isEqualTo(where + "key 'once' takes true or false, not a list");
    }

    @Test
    void aDuplicateKeyIsRefused() throws IOException {
        Path f = file("agent.yaml", "remote: a\npki: 127.0.0.1:1\nremote: b\n");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString())))
                .isEqualTo("trustctl agent: config " + f + " line 3: duplicate key 'remote' (first on line 1)");
    }

    @Test
    void aDocumentThatIsNotOneMappingIsRefused() throws IOException {
        for (String yaml : List.of("- remote: a\n", "just text\n", "42\n")) {
            assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("x.yaml", yaml).toString())))
                    .as(yaml).endsWith("line 1: the document must be a mapping of option names to values, "
                            + "e.g. 'interval: 30s'");
        }
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config",
                file("two.yaml", AGENT_REQUIRED + "---\nname: b\n").toString())))
                .contains("only one YAML document is allowed in a configuration file");
    }

    @Test
    void malformedYamlAndInvalidUtf8AreOneLineWithoutClassNames() throws IOException {
        for (String yaml : List.of("remote: [a, b\n", "remote: a\n  pki: b\n", "remote: 'a\n", "\tremote: a\n",
                "remote: a\n- b\n", "{remote: a\n")) {
            String line = refusal(Cli.run(Map.of(), "agent", "--config", file("m.yaml", yaml).toString()));
            assertThat(line).as(yaml).startsWith("trustctl agent: config " + dir.resolve("m.yaml"))
                    .contains("malformed YAML: ");
        }
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("k.yaml", "? [a]\n: b\n").toString())))
                .contains("line 1: malformed YAML: ").doesNotContain("snakeyaml");
        byte[] latin1 = "remote: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Path f = file("latin1.yaml", latin1);
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString())))
                .isEqualTo("trustctl agent: config " + f + " line 1: not UTF-8 text: byte 0xe9 at offset 11");
    }

    @Test
    void aliasesAnchorsAndTagsAreRefusedSinceTheParserWouldReadThemAsSomethingElse() throws IOException {
        // Jackson reads '*x' back as the text "x" and decodes !!binary: the value would not be what it reads as
        String where = "trustctl agent: config " + dir.resolve("g.yaml") + " line 2: ";
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("g.yaml", "pki: 127.0.0.1:1\nremote: *x\n")
                .toString()))).isEqualTo(where + "YAML aliases (*x) are not allowed in a configuration file");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("g.yaml", "pki: 127.0.0.1:1\nremote: &x a\n")
                .toString()))).isEqualTo(where + "YAML anchors (&x) are not allowed in a configuration file");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", file("g.yaml", "pki: 127.0.0.1:1\nname: !!binary "
                + "aGVsbG8=\n").toString()))).isEqualTo(where
                        + "YAML tags (tag:yaml.org,2002:binary) are not allowed in a configuration file");
    }

    @Test
    void anEmptyFileOrOneOfCommentsOnlyIsNoConfiguration() throws IOException {
        CommandLine cl = parsed(Map.of(), "repo-server", "--config", file("empty.yaml", "").toString(), "--data", "d");
        assertThat(value(cl, "--max-threads")).isEqualTo(200);
        cl = parsed(Map.of(), "repo-server", "--config", file("c.yaml", "# nothing yet\n#data: /srv\n").toString());
        assertThat(value(cl, "--data")).isNull();
    }

    @Test
    void aFileOthersMayWriteIsRefused() throws IOException {
        Path f = file("agent.yaml", AGENT_REQUIRED);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString()))).isEqualTo("trustctl agent: config "
                + f + ": refused: writable by group or others (rw-rw-r--), who could redirect keys and trust anchors; "
                + "chmod go-w it");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--rw-"));
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", f.toString()))).contains("refused: writable by");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(value(parsed(Map.of(), "agent", "--config", f.toString()), "--out")).as("readable is fine")
                .isEqualTo(Path.of("/tmp/out"));
    }

    @Test
    void aFileOwnedByAnotherUserIsRefused() throws IOException {
        Path f = file("agent.yaml", AGENT_REQUIRED);
        String me = System.getProperty("user.name");
        ConfigFileTrust trust;
        if (me.equals("root")) {
            // root may give the file away: the running user (root) then does not own it
            Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            trust = ConfigFileTrust.runningUser();
        } else {
            // a user cannot give a file away: the file is ours, so run as someone else
            trust = new ConfigFileTrust("someone-else");
        }
        String owner = Files.getOwner(f).getName();
        assertThatThrownBy(() -> trust.read(f)).isInstanceOf(ConfigError.class).hasMessage("config " + f
                + ": refused: owned by " + owner + ", not by " + trust.user()
                + " or root, who could redirect keys and trust anchors; chown it");
    }

    @Test
    void aMissingFileOrADirectoryIsOneLine() throws IOException {
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", dir.resolve("nope.yaml").toString())))
                .isEqualTo("trustctl agent: config " + dir.resolve("nope.yaml") + ": no such file");
        assertThat(refusal(Cli.run(Map.of(), "agent", "--config", dir.toString())))
                .isEqualTo("trustctl agent: config " + dir + ": is a directory, not a file");
        assertThat(refusal(Cli.run(Map.of("TRUSTCTL_AGENT_CONFIG", dir.resolve("gone.yaml").toString()), "agent")))
                .isEqualTo("trustctl agent: config " + dir.resolve("gone.yaml") + ": no such file");
    }

    @Test
    void variablesAreCheckedLikeFileKeys() {
        assertThat(refusal(Cli.run(Map.of("TRUSTCTL_AGENT_REMTOE", "x"), "agent")))
                .isEqualTo("trustctl agent: environment TRUSTCTL_AGENT_REMTOE: not an option of trustctl agent "
                        + "(did you mean TRUSTCTL_AGENT_REMOTE?)");
        assertThat(refusal(Cli.run(Map.of("TRUSTCTL_AGENT_INTERVAL", "5x"), "agent")))
                .isEqualTo("trustctl agent: environment TRUSTCTL_AGENT_INTERVAL: bad value for 'interval': "
                        + "'5x' is not a duration (use for example 30s, 15m, 24h or 365d)");
        assertThat(refusal(Cli.run(Map.of("TRUSTCTL_PKI_SERVE_PLAINTEXT", "on"), "pki", "serve", "--dir", "d")))
                .endsWith("bad value for 'plaintext': 'on' is not true or false");
        // another command's variables and an empty value are none of this command's business
        Map<String, String> env = new HashMap<>(Map.of("TRUSTCTL_REPO_SERVER_LISTEN", "not an address",
                "TRUSTCTL_AGENT_NAME", "", "TRUSTCTL_DEBUG", "1"));
        assertThat(value(parsed(env, "agent", "--remote", "r", "--pki", "127.0.0.1:1", "--out", "o"), "--name"))
                .isNull();
    }

    @Test
    void theValueOfAKeyThatConcernsASecretIsNeverShown() throws IOException {
        Path f = file("a.yaml", AGENT_REQUIRED + "pki-token-file: \"/run/s3cr3t\\0name\"\n");
        String line = refusal(Cli.run(Map.of(), "agent", "--config", f.toString()));
        assertThat(line).endsWith("line 4: bad value for 'pki-token-file': (not shown: the key concerns a secret)")
                .doesNotContain("s3cr3t");
        String env = refusal(Cli.run(Map.of("TRUSTCTL_AGENT_REMOTE_PASSWORD_FILE", "/run/s3cr3t\0x"), "agent"));
        assertThat(env).doesNotContain("s3cr3t");
    }

    @Test
    void helpWorksWithABrokenConfigurationAndShowsTheBuiltInDefaults() throws IOException {
        Path f = file("bad.yaml", "interval: 5x\n");
        Cli r = Cli.run(Map.of("TRUSTCTL_AGENT_CONFIG", f.toString()), "agent", "--help");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().replaceAll("\\s+", " ")).contains("--config=FILE").contains("(default 30s)");
    }

    // ---- the keys: every option, named as documented ----

    @Test
    void everyOptionIsAKeyAndItsVariableIsNamedAfterTheCommand() {
        CommandLine root = Trustctl.commandLine(Clock.systemUTC(), Map.of());
        ConfigKeys agent = ConfigKeys.of(root.getSubcommands().get("agent").getCommandSpec());
        ConfigKeys server = ConfigKeys.of(root.getSubcommands().get("repo-server").getCommandSpec());
        ConfigKeys pki = ConfigKeys.of(root.getSubcommands().get("pki").getSubcommands().get("serve").getCommandSpec());
        assertThat(agent.envName("remote")).isEqualTo("TRUSTCTL_AGENT_REMOTE");
        assertThat(agent.envName("config")).isEqualTo("TRUSTCTL_AGENT_CONFIG");
        assertThat(server.envName("listen")).isEqualTo("TRUSTCTL_REPO_SERVER_LISTEN");
        assertThat(server.envName("grpc-listen")).isEqualTo("TRUSTCTL_REPO_SERVER_GRPC_LISTEN");
        assertThat(pki.envName("listen")).isEqualTo("TRUSTCTL_PKI_SERVE_LISTEN");
        for (ConfigKeys keys : List.of(agent, server, pki)) {
            CommandLine.Model.CommandSpec spec = keys.options().values().iterator().next().command();
            for (OptionSpec o : spec.options()) {
                boolean key = !o.usageHelp() && !o.versionHelp() && !o.longestName().equals(ConfigOption.NAME);
                assertThat(keys.options().containsKey(o.longestName().substring(2))).as(o.longestName()).isEqualTo(key);
            }
        }
        assertThat(agent.options()).containsKeys("max-contract-window", "pki-fingerprint");
        assertThat(pki.options()).containsKeys("allow-name", "max-lifetime", "trust-domain", "audit-log");
    }

    @Test
    void noKeyThatConcernsASecretTakesTheSecretItself() {
        CommandLine root = Trustctl.commandLine(Clock.systemUTC(), Map.of());
        Pattern secret = Pattern.compile("password|passphrase|token|secret|credential");
        // names a Kubernetes object of kind Secret (NAMESPACE/NAME, refused otherwise: KubernetesOptionsTest), which
        // the agent writes: the key is about no secret value
        Set<String> objectNames = Set.of("out-kubernetes-secret");
        assertThat(ConfigKeys.of(root.getSubcommands().get("agent").getCommandSpec()).options())
                .containsKeys(objectNames.toArray(String[]::new));
        for (CommandLine cl : List.of(root.getSubcommands().get("agent"), root.getSubcommands().get("repo-server"),
                root.getSubcommands().get("pki").getSubcommands().get("serve"))) {
            ConfigKeys.of(cl.getCommandSpec()).options().forEach((key, option) -> {
                // a key about a secret names a file (or counts something): a text value would be the secret itself
                if (secret.matcher(key).find() && !objectNames.contains(key)) {
                    assertThat(option.type()).as(cl.getCommandName() + " " + key).isNotIn(String.class, char[].class);
                }
            });
        }
    }
}
