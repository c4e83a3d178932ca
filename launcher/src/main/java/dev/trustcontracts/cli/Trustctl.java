package dev.trustcontracts.cli;

import dev.trustcontracts.cli.pki.PkiCommand;
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
            dev.trustcontracts.cli.demo.DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Trustctl implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        CommandLine cl = new CommandLine(new Trustctl());
        cl.setExecutionExceptionHandler(new UserErrors());
        return cl;
    }
}
