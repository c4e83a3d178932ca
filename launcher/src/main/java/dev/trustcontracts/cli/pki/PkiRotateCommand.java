package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.KeyTypeConverter;
import dev.trustcontracts.cli.UserError;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.CaLoader;
import dev.trustcontracts.pki.CaRotation;
import dev.trustcontracts.pki.PkiException;
import dev.trustcontracts.pki.RotationState;
import dev.trustcontracts.pki.ZoneCa;
import dev.trustcontracts.pki.ZoneRoots;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustctl pki rotate start|switch|finish|status}: a zone's root rotation, one command per step.
 * Every step is safe to repeat and ends with one {@code next:} line naming what the operator does next.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Rotates the zone's root CA in steps: start (create the next root beside the current one), "
                + "switch (the next root issues), finish (the old key is deleted, only the new root is published).",
            "Each step is one command, safe to repeat; a running pki serve follows without restart."},
        subcommands = {PkiRotateCommand.Start.class, PkiRotateCommand.Switch.class, PkiRotateCommand.Finish.class,
            PkiRotateCommand.Status.class, CommandLine.HelpCommand.class})
final class PkiRotateCommand implements Runnable {
    @CommandLine.ParentCommand
    PkiCommand pki;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The option every step takes. */
    static final class DirOption {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory (from pki init)")
        Path dir;

        CaLayout layout() {
            return new CaLayout(dir);
        }
    }

    /** What every step shares: the CA directory, the root command's clock, the output flushed even on a refusal. */
    abstract static class StepCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        PkiRotateCommand rotate;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                run(dir.layout(), out);
            } finally {
                out.flush();
            }
            return ExitCodes.OK;
        }

        Clock clock() {
            return rotate.pki.clock();
        }

        abstract void run(CaLayout layout, PrintWriter out);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Creates the next root (DIR/next-ca.pem, DIR/next-ca-key.pem mode 0600) for the same zone; "
                    + "the current root keeps issuing. Both roots are published from now on."})
    static final class Start extends StepCommand {
        @Option(names = "--key-type", paramLabel = "TYPE", converter = KeyTypeConverter.class,
                description = "ec-p256, ec-p384, rsa or ed25519 (default: the current root's type)")
        KeyType keyType;

        @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "3650d",
                converter = DurationConverter.class, description = "the next root's lifetime (default ${DEFAULT-VALUE})")
        Duration validFor;

        @Override
        void run(CaLayout layout, PrintWriter out) {
            CaRotation.Outcome o;
            try {
                o = CaRotation.start(layout, keyType, validFor, clock());
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE);
            }
            ZoneRoots roots = o.roots();
            if (o.alreadyDone()) {
                out.println("the root rotation of zone " + roots.zone() + " is already started (at "
                        + o.state().changedAt() + "); nothing changed");
            } else {
                out.println("started the root rotation of zone " + roots.zone()
                        + ": the next root is created beside the current one");
            }
            out.println("  current root: sha256 " + roots.current().fingerprint() + " (" + layout.certificate()
                    + "), issues until switch");
            out.println("  next root:    sha256 " + roots.next().fingerprint() + " (" + layout.nextCertificate()
                    + "), valid until " + roots.next().certificate().getNotAfter().toInstant());
            out.println("  next key:     " + layout.nextPrivateKey() + " (mode 0600; back it up offline)");
            out.println("next: " + o.state().nextStep(layout, roots.zone()));
        }
    }

    @Command(name = "switch", mixinStandardHelpOptions = true,
            description = {"From now on the next root issues (SignCSR, pki issue); both roots stay published. "
                    + "Run it once every agent has the next root from the contracts."})
    static final class Switch extends StepCommand {
        @Override
        void run(CaLayout layout, PrintWriter out) {
            CaRotation.Outcome o = CaRotation.switchIssuing(layout, clock());
            ZoneRoots roots = o.roots();
            out.println((o.alreadyDone() ? "zone " + roots.zone() + " already issues from the next root (switched at "
                    + o.state().changedAt() + "); nothing changed"
                    : "switched zone " + roots.zone() + ": the next root issues from now on (a running pki serve "
                            + "follows at its next call)"));
            out.println("  issuing root: sha256 " + roots.issuing().fingerprint() + " (" + layout.nextCertificate() + ")");
            out.println("  still published: sha256 " + roots.current().fingerprint() + " (" + layout.certificate() + ")");
            out.println("next: " + o.state().nextStep(layout, roots.zone()));
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            description = {"Retires the old root: its key is deleted (its certificate kept in DIR/retired/), the next "
                    + "root becomes DIR/ca.pem and is the only one published."})
    static final class Finish extends StepCommand {
        @Override
        void run(CaLayout layout, PrintWriter out) {
            CaRotation.Outcome o = CaRotation.finish(layout, clock());
            ZoneRoots roots = o.roots();
            RotationState s = o.state();
            out.println(o.alreadyDone() ? "the root rotation of zone " + roots.zone() + " is already finished (at "
                    + s.changedAt() + "); nothing changed"
                    : "finished the root rotation of zone " + roots.zone() + ": the new root is the only one published");
            out.println("  root:    sha256 " + roots.current().fingerprint() + " (" + layout.certificate() + ")");
            out.println("  retired: sha256 " + s.current() + ": key deleted, certificate kept as "
                    + layout.retiredCertificate(s.current()));
            out.println("next: " + s.nextStep(layout, roots.zone()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows where the root rotation stands and the command to run next."})
    static final class Status extends StepCommand {
        @Override
        void run(CaLayout layout, PrintWriter out) {
            RotationState s = CaRotation.status(layout);
            ZoneRoots roots;
            try {
                roots = CaLoader.loadRoots(layout);
            } catch (PkiException e) {
                out.println("rotation: " + s.step().word() + (s.changedAt() == null ? "" : " at " + s.changedAt()));
                throw new UserError(e.getMessage());
            }
            out.println("zone " + roots.zone() + ": rotation " + (s.step() == RotationState.Step.NONE ? "none"
                    : s.step().word() + " at " + s.changedAt()));
            for (ZoneCa r : roots.published()) {
                out.println("  " + (r == roots.next() ? "next root:    " : "current root: ") + "sha256 " + r.fingerprint()
                        + " (" + (r == roots.next() ? layout.nextCertificate() : layout.certificate()) + "), published"
                        + (r == roots.issuing() ? ", issuing" : "") + ", valid until "
                        + r.certificate().getNotAfter().toInstant());
            }
            if (s.step() == RotationState.Step.FINISHED) {
                out.println("  retired:      sha256 " + s.current() + " (" + layout.retiredCertificate(s.current()) + ")");
            }
            out.println("next: " + s.nextStep(layout, roots.zone()));
        }
    }
}
