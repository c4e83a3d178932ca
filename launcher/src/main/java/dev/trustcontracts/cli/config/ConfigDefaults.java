package dev.trustcontracts.cli.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Stack;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives one command's options their values from the environment and the configuration file, as picocli's default
 * value provider. picocli asks it only for options not given on the command line, after the command line was read
 * (so {@code --config} is known), and converts what it answers with the option's own converter; an option it
 * answers counts as given, so a required option may come from the file or the environment (picocli 4.7's
 * {@code Interpreter.applyDefaultValues} drops an option from the missing list when the provider answers it, and
 * still reports the ones nobody answered). Precedence:
 * flag, then {@code TRUSTCTL_<COMMAND>_<OPTION>}, then the file, then the built-in default.
 *
 * <p>The file and the variables are read and checked once per parse, all of them, when the first option asks
 * (the command's preprocessor, called as each parse of the command starts, forgets the last parse): a bad key or
 * value is refused with one line naming the file and line or the variable, even for an option the command line
 * overrides.
 */
public final class ConfigDefaults implements IDefaultValueProvider, IParameterPreprocessor {
    private final CommandSpec spec;
    private final ConfigKeys keys;
    private final Map<String, String> env;
    private final ConfigFileTrust trust;
    private final IParameterPreprocessor previous;
    /** This parse's values by key; null until the first option asks. */
    private Map<String, ConfigValue> values;
    /** The file {@link #values} were read with (null: none). */
    private Path valuesFrom;

    ConfigDefaults(CommandSpec spec, Map<String, String> env, ConfigFileTrust trust) {
        this.spec = spec;
        this.keys = ConfigKeys.of(spec);
        this.env = Map.copyOf(env);
        this.trust = trust;
        this.previous = spec.preprocessor();
    }

    /** Installs a provider on {@code spec} (a command with the {@link ConfigOption} mixin). */
    static void install(CommandSpec spec, Map<String, String> env, ConfigFileTrust trust) {
        ConfigDefaults d = new ConfigDefaults(spec, env, trust);
        spec.defaultValueProvider(d);
        spec.preprocessor(d);
    }

    /** A configured value: as written, and converted. */
    private record ConfigValue(List<String> texts, Object typed) {
    }

    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        values = null; // a new parse: read the file and the environment again
        return previous.preprocess(args, commandSpec, argSpec, info);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        CommandLine cl = spec.commandLine();
        if (cl != null && (cl.isUsageHelpRequested() || cl.isVersionHelpRequested())) {
            return null; // --help shows the built-in defaults, and works with a broken configuration
        }
        if (option == keys.configOption()) {
            return variable(keys.envName("config")).orElse(null);
        }
        Optional<String> key = keys.keyOf(option);
        if (key.isEmpty()) {
            return null;
        }
        ConfigValue v = values().get(key.get());
        if (v == null) {
            return null;
        }
        if (option.isMultiValue()) {
            // picocli applies one string per default; a list is set whole (ConfigKeys keeps such options free of
            // built-in defaults, which picocli would apply over it)
            option.setValue(v.typed());
            return null;
        }
        return v.texts().get(0);
    }

    private Map<String, ConfigValue> values() {
        try {
            // picocli may ask before --config is parsed (a flag such as --once looks up its default as it is
            // read): what was read without the file is read again once the file is known
            Path file = configFile();
            if (values == null || !Objects.equals(file, valuesFrom)) {
                values = read(file);
                valuesFrom = file;
            }
        } catch (ConfigError e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return values;
    }

    /** The file's values, overridden by the environment's. */
    private Map<String, ConfigValue> read(Path file) {
        Map<String, ConfigValue> result = new HashMap<>();
        if (file != null) {
            String where = "config " + file;
            for (ConfigEntry e : ConfigYaml.read(where, trust.read(file))) {
                result.put(e.key(), fromFile(where, e));
            }
        }
        // sorted: with several bad variables, the first reported is always the same one
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(keys.envPrefix()) || name.equals(keys.envName("config")) || e.getValue().isEmpty()) {
                continue;
            }
            Optional<String> key = keys.keyOfEnv(name);
            if (key.isEmpty()) {
                String rest = name.substring(keys.envPrefix().length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                throw new ConfigError("environment " + name + ": not an option of " + keys.command()
                        + keys.suggest(rest).map(k -> " (did you mean " + keys.envName(k) + "?)").orElse(""));
            }
            OptionSpec option = keys.option(key.get()).orElseThrow();
            List<String> texts = option.isMultiValue() ? List.of(e.getValue().split(",", -1)) : List.of(e.getValue());
            result.put(key.get(), converted("environment " + name, key.get(), option, texts));
        }
        return result;
    }

    private Path configFile() {
        Object given = keys.configOption().getValue(); // set when --config was on the command line
        if (given instanceof Path p) {
            return p;
        }
        Optional<String> fromEnv = variable(keys.envName("config"));
        if (fromEnv.isEmpty()) {
            return null;
        }
        try {
            return Path.of(fromEnv.get());
        } catch (InvalidPathException e) {
            throw new ConfigError("environment " + keys.envName("config") + ": not a file name");
        }
    }

    private ConfigValue fromFile(String where, ConfigEntry e) {
        String at = where + " line " + e.line();
        if (e.key().equals("config")) {
            throw new ConfigError(at + ": a configuration file cannot name another (--config)");
        }
        OptionSpec option = keys.option(e.key()).orElseThrow(() -> new ConfigError(at + ": unknown key '" + e.key()
                + "' for " + keys.command() + keys.suggest(e.key()).map(k -> " (did you mean '" + k + "'?)").orElse("")));
        String needs = "key '" + e.key() + "' takes " + (OptionValues.isFlag(option) ? "true or false"
                : option.isMultiValue() ? "a value or a list of values" : "one value") + ", not ";
        switch (e.kind()) {
            case MAPPING -> throw new ConfigError(at + ": " + needs + "a mapping");
            case EMPTY -> throw new ConfigError(at + ": key '" + e.key() + "' has no value; give one or remove the key");
            case LIST -> {
                if (!option.isMultiValue()) {
                    throw new ConfigError(at + ": " + needs + "a list");
                }
                if (e.values().isEmpty()) {
                    throw new ConfigError(at + ": key '" + e.key() + "' has an empty list; give values or remove the key");
                }
            }
            case BOOLEAN -> {
                if (!OptionValues.isFlag(option)) {
                    throw new ConfigError(at + ": " + needs + e.values().get(0) + " (quote it if you mean the text)");
                }
            }
            default -> {
                // a scalar: its converter judges it
            }
        }
        return converted(at, e.key(), option, e.values());
    }

    private static ConfigValue converted(String origin, String key, OptionSpec option, List<String> texts) {
        try {
            return new ConfigValue(texts, OptionValues.convert(option, texts));
        } catch (ConfigError e) {
            throw new ConfigError(origin + ": bad value for '" + key + "': "
                    + (ConfigKeys.namesSecret(key) ? "(not shown: the key concerns a secret)" : e.getMessage()));
        }
    }

    private Optional<String> variable(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
}
