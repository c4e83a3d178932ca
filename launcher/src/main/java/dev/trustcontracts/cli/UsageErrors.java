package dev.trustcontracts.cli;

import java.util.List;
import picocli.CommandLine;

/**
 * A mistyped command line gets one line and where to look, not the whole help page:
 * {@code trustctl: unknown option '--remtoe' (did you mean --remote?); see 'trustctl agent --help'}.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("trustctl: " + describe(ex) + "; see '" + cl.getCommandSpec().qualifiedName() + " --help'");
        cl.getErr().flush();
        return ExitCodes.USAGE;
    }

    static String describe(CommandLine.ParameterException ex) {
        List<String> unmatched = ex.getCommandLine().getUnmatchedArguments();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
            // a mistyped option is the likely cause of a "missing required option": name the typo
            ex = new CommandLine.UnmatchedArgumentException(ex.getCommandLine(), unmatched);
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            List<String> suggestions = u.getSuggestions();
            boolean option = arg.startsWith("-");
            boolean hasSubcommands = !u.getCommandLine().getSubcommands().isEmpty();
            String what = option ? "unknown option" : hasSubcommands ? "unknown command" : "unexpected argument";
            String hint = suggestions.isEmpty() ? ""
                    : " (did you mean " + suggestions.get(0) + "?)"; // picocli lists the closest first
            return what + " '" + arg + "'" + hint;
        }
        String m = ex.getMessage() == null ? "invalid command line" : ex.getMessage();
        m = m.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + " " + b).orElse(m);
        m = m.replaceAll("\\.$", "");
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}
