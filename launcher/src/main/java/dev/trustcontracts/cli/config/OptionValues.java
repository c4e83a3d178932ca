package dev.trustcontracts.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Converts a configured value with the option's own picocli converter and checks, so that {@code interval: 5x}
 * fails exactly as {@code --interval 5x} does. The value is parsed by a throwaway command holding a copy of the
 * option bound to a holder of its own: the command's fields are never touched here.
 */
final class OptionValues {
    /** picocli's prefix on a conversion error; the caller names the key and where it came from instead. */
    private static final Pattern PICOCLI_PREFIX = Pattern.compile("^Invalid value for option '[^']*':\\s*");

    private OptionValues() {
    }

    /** Whether the option is a flag (a boolean without a value on the command line). */
    static boolean isFlag(OptionSpec option) {
        return option.arity().max() == 0;
    }

    /**
     * The typed value of {@code texts} for {@code option} (a list, set or map for a repeatable option).
     *
     * @throws ConfigError with the converter's message (no key, no origin: the caller adds them)
     */
    static Object convert(OptionSpec option, List<String> texts) {
        if (isFlag(option)) {
            String t = texts.get(0).toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new ConfigError("'" + texts.get(0) + "' is not true or false");
            }
            return Boolean.valueOf(t);
        }
        Holder holder = new Holder();
        OptionSpec copy = OptionSpec.builder(option).required(false).defaultValue(null).initialValue(null)
                .hasInitialValue(false).getter(holder).setter(holder).build();
        CommandLine scratch = new CommandLine(CommandSpec.create().addOption(copy));
        List<String> args = new ArrayList<>();
        for (String t : texts) {
            args.add(option.longestName() + "=" + t); // one argument: a value starting with '-' stays a value
        }
        try {
            scratch.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new ConfigError(PICOCLI_PREFIX.matcher(ConfigYaml.oneLine(e.getMessage())).replaceFirst(""));
        }
        return holder.value;
    }

    /** Where the throwaway command puts the converted value. */
    private static final class Holder implements IGetter, ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        public <T> T set(T v) {
            Object old = value;
            value = v;
            @SuppressWarnings("unchecked")
            T t = (T) old;
            return t;
        }
    }
}
