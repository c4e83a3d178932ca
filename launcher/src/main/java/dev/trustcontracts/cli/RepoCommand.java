package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.tree.DirectoryTree;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Work on a contract repository checkout. */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Work on a checkout of a contract repository.",
        subcommands = {RepoCommand.Lint.class})
final class RepoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Trustctl root;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Check a whole checkout as the server checks main: layout, limits, every contract, unique ids. "
                    + "Exit 0 when clean, 3 otherwise; one line per problem. Run it in pull-request CI.")
    static final class Lint implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        RepoCommand parent;

        @Parameters(index = "0", defaultValue = ".", description = "The checkout (default: the current directory).")
        Path dir;

        @picocli.CommandLine.Mixin
        MaxWindowOption window = new MaxWindowOption();

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new UserError("not a directory: " + dir);
            }
            if (!Files.isDirectory(dir.resolve("contracts"))) {
                throw new UserError(dir + " has no contracts/ directory: is this a contract repository?");
            }
            ScanResult r = new TreeScanner(window.verifier(), ScanLimits.DEFAULT)
                    .scan(new DirectoryTree(dir), Trustctl.clockOf(parent.root).instant());
            PrintWriter out = spec.commandLine().getOut();
            r.problems().forEach((Problem p) -> out.println(p));
            out.printf("%d valid contract%s, %d problem%s%n", r.valid().size(), r.valid().size() == 1 ? "" : "s",
                    r.problems().size(), r.problems().size() == 1 ? "" : "s");
            return r.clean() ? ExitCodes.OK : ExitCodes.INVALID;
        }
    }
}
