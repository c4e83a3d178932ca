package dev.trustcontracts.cli.pki;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trustctl pki}: a zone's certificate authority. */
@Command(name = "pki",
        mixinStandardHelpOptions = true,
        description = {"A zone's certificate authority: create the root, serve PkiService (GetCA, SignCSR), "
                + "issue admins' contract-signing certificates, rotate the root."},
        subcommands = {PkiInitCommand.class, PkiServeCommand.class, PkiIssueCommand.class, PkiRotateCommand.class,
            CommandLine.HelpCommand.class})
public final class PkiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
