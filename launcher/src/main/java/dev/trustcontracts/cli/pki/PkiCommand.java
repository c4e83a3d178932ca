package dev.trustcontracts.cli.pki;

import java.time.Clock;
import dev.trustcontracts.cli.Trustctl;
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

    @CommandLine.ParentCommand
    Trustctl root;

    /** The root command's clock: every pki subcommand dates and judges with it. */
    Clock clock() {
        return Trustctl.clockOf(root);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
