package dev.trustcontracts.cli.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration keys of one command, read from its picocli spec so that every option it has (today's and
 * any added later) is a key with no code of its own: the key is the option's long name without the dashes
 * ({@code --pki-token-file} → {@code pki-token-file}); the environment variable is
 * {@code TRUSTCTL_<COMMAND>_<KEY>} in upper case with dashes and spaces as underscores
 * ({@code TRUSTCTL_PKI_SERVE_LISTEN}). {@code --help}, {@code --version} and {@code --config} are not keys.
 */
public final class ConfigKeys {
    /** Keys whose values would be secrets if they were inline: such values are never shown in a message. */
    private static final Pattern SECRET = Pattern.compile("password|passphrase|token|secret|credential|key");

    private final String command;
    private final String envPrefix;
    private final Map<String, OptionSpec> options;
    private final OptionSpec config;

    private ConfigKeys(String command, String envPrefix, Map<String, OptionSpec> options, OptionSpec config) {
        this.command = command;
        this.envPrefix = envPrefix;
        this.options = options;
        this.config = config;
    }

    /** The keys of {@code spec}, a command that carries the {@link ConfigOption} mixin. */
    public static ConfigKeys of(CommandSpec spec) {
        OptionSpec config = spec.findOption(ConfigOption.NAME);
        if (config == null) {
            throw new IllegalArgumentException(spec.qualifiedName() + " has no " + ConfigOption.NAME + " option");
        }
        Map<String, OptionSpec> options = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || o == config || !o.longestName().startsWith("--")) {
                continue;
            }
            if (o.isMultiValue() && (o.defaultValue() != null || o.required())) {
                // a default value provider hands picocli one string per option; lists are set directly, which
                // picocli would overwrite with a built-in default (ConfigDefaults): keep repeatable options plain
                throw new IllegalStateException(o.longestName() + " of " + spec.qualifiedName()
                        + " is repeatable and has a default or is required: not supported by configuration files");
            }
            options.put(o.longestName().substring(2), o);
        }
        String path = spec.qualifiedName(" ");
        int space = path.indexOf(' ');
        String sub = space < 0 ? path : path.substring(space + 1); // without the root command's name
        String prefix = "TRUSTCTL_" + upper(sub) + "_";
        return new ConfigKeys(path, prefix, Collections.unmodifiableMap(options), config);
    }

    /** The command's full name, e.g. {@code trustctl pki serve}. */
    public String command() {
        return command;
    }

    /** Every key, in the command's option order. */
    public Map<String, OptionSpec> options() {
        return options;
    }

    /** The {@code --config} option. */
    OptionSpec configOption() {
        return config;
    }

    Optional<OptionSpec> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The key of a command's option, empty for options that are not keys. */
    Optional<String> keyOf(OptionSpec option) {
        String key = option.longestName().startsWith("--") ? option.longestName().substring(2) : "";
        return options.get(key) == option ? Optional.of(key) : Optional.empty();
    }

    /** {@code TRUSTCTL_<COMMAND>_}: every variable of this command starts with it. */
    public String envPrefix() {
        return envPrefix;
    }

    /** The environment variable of a key (or of {@code config}). */
    public String envName(String key) {
        return envPrefix + upper(key);
    }

    /** The key an environment variable names, if it is one of this command's. */
    Optional<String> keyOfEnv(String variable) {
        for (String key : options.keySet()) {
            if (envName(key).equals(variable)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Whether a key's value must never appear in a message (its name says it concerns a secret). */
    static boolean namesSecret(String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** The known key closest to a misspelt one, if any is close (at most two edits, or one a prefix of the other). */
    Optional<String> suggest(String unknown) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String key : options.keySet()) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), key);
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        boolean close = best != null && (bestDistance <= Math.max(1, Math.min(2, unknown.length() / 3))
                || (unknown.length() >= 3 && best.startsWith(unknown.toLowerCase(Locale.ROOT))));
        return close ? Optional.of(best) : Optional.empty();
    }

    /** Edit distance with adjacent transpositions (remtoe → remote is one edit). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }
}
