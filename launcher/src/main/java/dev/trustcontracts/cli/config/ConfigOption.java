package dev.trustcontracts.cli.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}: the mixin that makes a long-running command configurable from a YAML file and from
 * {@code TRUSTCTL_<COMMAND>_<OPTION>} environment variables. {@link ConfigFiles#install} finds the commands
 * that carry it and gives each a {@link ConfigDefaults}; the command itself needs no other code.
 */
public final class ConfigOption {
    /** The option's name, as {@link ConfigKeys} looks it up in a command's spec. */
    public static final String NAME = "--config";

    @Option(names = NAME, paramLabel = "FILE",
            description = {"read options from this YAML file: keys are the long option names without dashes "
                    + "(remote: URL, interval: 30s); flags override it, TRUSTCTL_<COMMAND>_<OPTION> variables override "
                    + "it too (docs/configuration.md)"})
    Path file;
}
