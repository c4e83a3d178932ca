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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
                    + "Exit 0 when clean, 3 otherwise; one line per problem. Run it in pull-request CI. With "
                    + "--warn-within, also one line per contract that ends within the margin (exit 4 with "
                    + "--fail-on-warning when that is all).")
    static final class Lint implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        RepoCommand parent;

        @Parameters(index = "0", defaultValue = ".", description = "The checkout (default: the current directory).")
        Path dir;

        @picocli.CommandLine.Mixin
        MaxWindowOption window = new MaxWindowOption();

        @Option(names = "--warn-within", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "also list every valid contract whose effective expiry (the earliest end of its window, "
                        + "roots and signers) falls within this long, with the command that renews or rotates it")
        Duration warnWithin;

        @Option(names = "--fail-on-warning", description = "exit 4 when --warn-within lists a contract (and there is "
                + "no problem, which exits 3)")
        boolean failOnWarning;

        @picocli.CommandLine.Mixin
        OutputOption output = new OutputOption();

        @Override
        public Integer call() throws IOException {
            boolean json = output.json();
            if (!Files.isDirectory(dir)) {
                throw new UserError("not a directory: " + dir);
            }
            if (!Files.isDirectory(dir.resolve("contracts"))) {
                throw new UserError(dir + " has no contracts/ directory: is this a contract repository?");
            }
            if (failOnWarning && warnWithin == null) {
                throw new UserError("--fail-on-warning needs --warn-within", ExitCodes.USAGE);
            }
            if (warnWithin != null && (warnWithin.isNegative() || warnWithin.isZero())) {
                throw new UserError("--warn-within must be positive", ExitCodes.USAGE);
            }
            Instant now = Trustctl.clockOf(parent.root).instant();
            ScanResult r = new TreeScanner(window.verifier(), ScanLimits.DEFAULT).scan(new DirectoryTree(dir), now);
            PrintWriter out = spec.commandLine().getOut();
            List<EndingSoon.Ending> endings = warnWithin == null ? List.of() : EndingSoon.of(r.valid(), now, warnWithin);
            List<String> ending = endings.stream().map(EndingSoon.Ending::line).toList();
            if (json) {
                OutputOption.print(out, json(r, endings));
                return exit(r, ending);
            }
            r.problems().forEach((Problem p) -> out.println(p));
            ending.forEach(out::println);
            out.printf("%d valid contract%s, %d problem%s%s%n", r.valid().size(), r.valid().size() == 1 ? "" : "s",
                    r.problems().size(), r.problems().size() == 1 ? "" : "s", warnWithin == null ? ""
                            : String.format(", %d ending within %s", ending.size(), DurationConverter.format(warnWithin)));
            return exit(r, ending);
        }

        private int exit(ScanResult r, List<String> ending) {
            if (!r.clean()) {
                return ExitCodes.INVALID;
            }
            return failOnWarning && !ending.isEmpty() ? ExitCodes.WARNING : ExitCodes.OK;
        }

        /** {directory, clean, contracts: [{path, name, id, effectiveExpiry}], problems, endingSoon} (docs/cli.md). */
        private Map<String, Object> json(ScanResult r, List<EndingSoon.Ending> endings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("directory", dir.toString());
            m.put("clean", r.clean());
            m.put("contracts", r.valid().stream().map(c -> {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("path", c.path());
                cm.put("name", c.name());
                cm.put("id", c.id());
                cm.put("effectiveExpiry", c.effectiveExpiry().toString());
                return cm;
            }).toList());
            m.put("problems", r.problems().stream().map(Problem::toJson).toList());
            m.put("endingSoon", endings.stream().map(e -> {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("path", e.contract().path());
                em.put("name", e.contract().name());
                em.put("effectiveExpiry", e.contract().effectiveExpiry().toString());
                em.put("text", e.line());
                return em;
            }).toList());
            return m;
        }
    }
}
