package dev.trustcontracts.cli.config;

import dev.trustcontracts.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Wires configuration files into a command tree: every command carrying the {@link ConfigOption} mixin reads
 * {@code --config FILE} and its {@code TRUSTCTL_<COMMAND>_*} variables; a refused file or variable is one line.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * Installs a {@link ConfigDefaults} on every command under {@code root} that has {@code --config}, reading
     * {@code env} (the process environment in production, a map in tests). Call last when building the command
     * line: it wraps the parameter exception handler in place then.
     */
    public static void install(CommandLine root, Map<String, String> env) {
        install(root, env, ConfigFileTrust.runningUser());
    }

    static void install(CommandLine root, Map<String, String> env, ConfigFileTrust trust) {
        installTree(root, env, trust);
        CommandLine.IParameterExceptionHandler usage = root.getParameterExceptionHandler();
        root.setParameterExceptionHandler((ex, args) -> {
            if (ex.getCause() instanceof ConfigError) {
                // the file or a variable is wrong, not the command line: the usage text would not help
                CommandLine cl = ex.getCommandLine();
                cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                cl.getErr().flush();
                return ExitCodes.USAGE;
            }
            return usage.handleParseException(ex, args);
        });
    }

    private static void installTree(CommandLine cl, Map<String, String> env, ConfigFileTrust trust) {
        CommandSpec spec = cl.getCommandSpec();
        if (!(spec.defaultValueProvider() instanceof ConfigDefaults)
                && spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof ConfigOption)) {
            ConfigDefaults.install(spec, env, trust);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            installTree(sub, env, trust);
        }
    }
}
