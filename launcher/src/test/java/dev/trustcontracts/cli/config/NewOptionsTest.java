package dev.trustcontracts.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.trustcontracts.cli.DurationConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An option a command gains later is a configuration key and a variable with no code of its own: a command
 * written here with options like the ones other work adds to the agent is configured through the same mixin.
 */
class NewOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        ConfigOption config = new ConfigOption();

        @Option(names = "--pki-check-every", converter = DurationConverter.class, defaultValue = "1m")
        Duration pkiCheckEvery;

        @Option(names = "--out-kubernetes-secret", paramLabel = "NAMESPACE/NAME")
        String kubernetesSecret;

        @Option(names = "--spiffe-bundle", paramLabel = "FILE")
        List<Path> spiffeBundles;

        @Override
        public void run() {
        }
    }

    @Test
    void anyOptionOfAMarkedCommandIsAKeyAndAVariable() throws Exception {
        Path f = dir.resolve("probe.yaml");
        Files.writeString(f, "pki-check-every: 10s\nout-kubernetes-secret: team/trust\nspiffe-bundle: [/a, /b]\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Probe probe = new Probe();
        CommandLine cl = new CommandLine(probe);
        ConfigFiles.install(cl, Map.of("TRUSTCTL_PROBE_OUT_KUBERNETES_SECRET", "ops/trust"));
        cl.parseArgs("--config", f.toString());
        assertThat(probe.pkiCheckEvery).isEqualTo(Duration.ofSeconds(10));
        assertThat(probe.kubernetesSecret).as("the variable beats the file").isEqualTo("ops/trust");
        assertThat(probe.spiffeBundles).containsExactly(Path.of("/a"), Path.of("/b"));

        Files.writeString(f, "pki-check-every: soon\n");
        assertThatCode(() -> new CommandLine(new Probe()).parseArgs("--config", f.toString()))
                .as("not installed: the file is not read").doesNotThrowAnyException();
        CommandLine again = new CommandLine(new Probe());
        ConfigFiles.install(again, Map.of());
        assertThat(catchMessage(again, "--config", f.toString()))
                .isEqualTo("config " + f + " line 1: bad value for 'pki-check-every': 'soon' is not a duration "
                        + "(use for example 30s, 15m, 24h or 365d)");
    }

    @Test
    void aFileTooLargeToBeAConfigurationIsRefusedUnread() throws Exception {
        Path f = dir.resolve("big.yaml");
        Files.write(f, new byte[ConfigFileTrust.MAX_BYTES + 1]);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        CommandLine cl = new CommandLine(new Probe());
        ConfigFiles.install(cl, Map.of());
        assertThat(catchMessage(cl, "--config", f.toString()))
                .isEqualTo("config " + f + ": larger than 1024 KiB; not a configuration file");
    }

    private static String catchMessage(CommandLine cl, String... args) {
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            assertThat(e.getCause()).isInstanceOf(ConfigError.class);
            return e.getMessage();
        }
        throw new AssertionError("parsed without error");
    }
}
