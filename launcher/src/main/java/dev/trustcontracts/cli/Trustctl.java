package dev.trustcontracts.cli;

import dev.trustcontracts.cli.config.ConfigFiles;
import dev.trustcontracts.cli.pki.PkiCommand;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command operators use; each part of the system is a subcommand. */
@Command(name = "trustctl",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Trust Contracts: signed trust between PKIs, distributed through Git.",
        subcommands = {
            ContractCommand.class,
            RepoCommand.class,
            PkiCommand.class,
            RepoServerCommand.class,
            AgentCommand.class,
            dev.trustcontracts.cli.server.ServerCommand.class,
            dev.trustcontracts.cli.demo.DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Trustctl implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The one clock the commands read "now" from; subcommands reach it through their parent. */
    private final Clock clock;

    Trustctl(Clock clock) {
        this.clock = clock;
    }

    /** The clock the commands judge and date with. */
    public Clock clock() {
        return clock;
    }

    /** The root's clock as a subcommand reaches it; the system clock when the subcommand runs on its own. */
    public static Clock clockOf(Trustctl root) {
        return root == null ? Clock.systemUTC() : root.clock();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; used by main and by the CLI tests. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return commandLine(Clock.systemUTC());
    }

    /** The command line with a given clock: tests pass a fixed one. */
    public static CommandLine commandLine(Clock clock) {
        return commandLine(clock, System.getenv());
    }

    /** The command line with a given clock and environment (the TRUSTCTL_* variables daemons read): tests pass both. */
    public static CommandLine commandLine(Clock clock, Map<String, String> env) {
        CommandLine cl = new CommandLine(new Trustctl(clock));
        cl.setExecutionExceptionHandler(new UserErrors());
        cl.setParameterExceptionHandler(new UsageErrors()); // one line and a hint, not the whole help
        ConfigFiles.install(cl, env); // last: it wraps the usage error handler set by then
        return cl;
    }
}
