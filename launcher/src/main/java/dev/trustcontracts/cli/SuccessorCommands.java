package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code contract renew} and {@code contract rotate}: write a successor contract over its predecessor's file.
 *
 * <p>The successor keeps the predecessor's name and therefore its path, with a new id, a new window and no
 * signatures. Committed on a proposal branch, that one change of one file both adds the successor and removes
 * the predecessor, so the merge into main swaps them in a single commit: main never holds neither. The history
 * rules count an edit in place that changes the id as the removal of the old id, so the predecessor is retired
 * for good by that merge (a later push of it is a {@code replay}).
 */
final class SuccessorCommands {
    private SuccessorCommands() {
    }

    /** What renew and rotate share: finding the predecessor, the window, writing, and what comes next. */
    abstract static class Successor implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContractCommand parent;

        @Parameters(index = "0", paramLabel = "CONTRACT",
                description = "The contract to succeed: its name (looked up in contracts/ of the checkout) or its file. "
                        + "The successor is written over that file.")
        String contract;

        @Option(names = "--repo", paramLabel = "DIR",
                description = "The repository checkout holding contracts/ (default: the working directory, or the "
                        + "nearest parent with a contracts/ directory).")
        Path repo;

        @Option(names = "--valid-for", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long the successor holds from now (default: as long as the predecessor's window, "
                        + "at most the maximum contract window).")
        Duration validFor;

        @Mixin
        MaxWindowOption window = new MaxWindowOption();

        /** The successor's zones, from the predecessor's. */
        abstract List<ContractDraft.Zone> zones(Path file, ContractBody predecessor);

        /** The verb for the proposal branch and the commit message: renew, rotate. */
        abstract String verb();

        @Override
        public Integer call() {
            Path file = ContractLocation.resolve(contract, repo);
            Contract predecessor = ContractFiles.read(file);
            ContractBody old = predecessor.getBody();
            List<ContractDraft.Zone> zones = zones(file, old);
            Instant now = parent.clock().instant().truncatedTo(ChronoUnit.SECONDS);
            Contract successor;
            try {
                successor = ContractDraft.successor(old, zones, now, window(old));
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": " + e.getMessage(), ExitCodes.INVALID);
            }
            refuseUnsound(file, successor, now);
            ContractFiles.write(file, successor);
            print(file, old, successor);
            return ExitCodes.OK;
        }

        private Duration window(ContractBody old) {
            Duration max = window.value();
            if (validFor != null) {
                if (validFor.isNegative() || validFor.isZero()) {
                    throw new UserError("--valid-for must be positive", ExitCodes.USAGE);
                }
                if (validFor.compareTo(max) > 0) {
                    throw new UserError("--valid-for " + DurationConverter.format(validFor) + " is longer than the "
                            + "maximum contract window " + DurationConverter.format(max) + " (window-too-long); use a "
                            + "shorter --valid-for, or --max-contract-window when every server and agent allows more",
                            ExitCodes.USAGE);
                }
                return validFor;
            }
            Duration before = Duration.between(ProtoTime.toInstant(old.getNotBefore()),
                    ProtoTime.toInstant(old.getNotAfter()));
            return before.isNegative() || before.isZero() || before.compareTo(max) > 0 ? max : before;
        }

        /**
         * Refuses a successor that could never become valid: every rule but the signatures it still lacks. The
         * checks are the verifier's own (a next root that is not a CA, expired, a weak key, a duplicate root).
         */
        private void refuseUnsound(Path file, Contract successor, Instant now) {
            byte[] bytes = ContractCodec.serialize(successor, ContractFiles.format(file));
            List<Problem> problems = window.verifier().verify(file.toString(), bytes).problemsAt(now).stream()
                    .filter(p -> p.rule() != Rule.SIGNATURE_MISSING).toList();
            if (!problems.isEmpty()) {
                throw new UserError("the successor would not be valid, nothing written: " + problems.get(0)
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""), ExitCodes.INVALID);
            }
        }

        private void print(Path file, ContractBody old, Contract successor) {
            ContractBody b = successor.getBody();
            PrintWriter out = spec.commandLine().getOut();
            String branch = "proposals/" + b.getName() + "-" + verb();
            out.printf("wrote %s: successor of %s, id %s (replaces id %s), valid %s .. %s, unsigned%n", file,
                    b.getName(), b.getId(), old.getId(), ProtoTime.toWholeSeconds(b.getNotBefore()),
                    ProtoTime.toWholeSeconds(b.getNotAfter()));
            out.println("the successor replaces its predecessor in the same file: one merge swaps them, and the old "
                    + "id is retired");
            b.getParticipantsList().forEach(p -> out.printf("  %-16s root sha256:%s%s%n", p.getName(), p.getHash(),
                    p.hasNext() ? ", next root sha256:" + p.getNext().getHash() : ""));
            out.println("next:");
            out.printf("  1. propose it: git checkout -b %s && git commit -am '%s %s' && git push origin HEAD:%s%n",
                    branch, verb(), b.getName(), branch);
            List<String> signers = new ArrayList<>();
            b.getParticipantsList().forEach(p -> {
                signers.add(p.getName() + " with its root sha256:" + p.getHash() + ": trustctl contract sign " + file
                        + " --key ADMIN-KEY.pem --cert ADMIN.pem  (a contract signer issued under that root)");
                if (p.hasNext()) {
                    signers.add(p.getName() + " with its next root sha256:" + p.getNext().getHash()
                            + ": trustctl contract sign " + file + " --key next-ca-key.pem --cert next-ca.pem  (or a "
                            + "contract signer issued under the next root)");
                }
            });
            out.printf("  2. every listed root signs (%d signatures), each admin on the branch, then commits and "
                    + "pushes it:%n", signers.size());
            signers.forEach(s -> out.println("       " + s));
            out.printf("       git commit -am 'sign %s' && git push origin HEAD:%s%n", b.getName(), branch);
            out.printf("  3. merge it, as a user of zone %s: POST /api/proposals/%s/merge (the web UI's Merge into "
                    + "main)%n", String.join(" or ", b.getParticipantsList().stream().map(p -> p.getName()).toList()),
                    branch);
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = "Write a successor of a contract over its file: a new id, a new window from now, the same "
                    + "participants and roots, no signatures. Merged, it replaces the predecessor in one commit.")
    static final class Renew extends Successor {
        @Override
        List<ContractDraft.Zone> zones(Path file, ContractBody predecessor) {
            return SuccessorZones.of(file, predecessor, Map.of(), Set.of());
        }

        @Override
        String verb() {
            return "renew";
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Write a successor of a contract for a root rotation: with a participant's next root added "
                    + "(--participant NAME=NEXT.pem; it then signs with each root), or with its next root promoted to "
                    + "its only root at the end (--drop-old NAME). A new id and window, no signatures; merged, it "
                    + "replaces the predecessor in one commit.")
    static final class Rotate extends Successor {
        @Option(names = "--participant", paramLabel = "NAME=NEXT.pem",
                description = "Add NEXT.pem as NAME's next root (pki rotate start writes next-ca.pem). Naming the "
                        + "root NAME already lists as next ends the rotation, as --drop-old NAME. Repeatable.")
        Map<String, Path> next = new LinkedHashMap<>();

        @Option(names = "--drop-old", paramLabel = "NAME",
                description = "End NAME's rotation: its next root becomes its only root. Repeatable.")
        List<String> dropOld = new ArrayList<>();

        @Override
        List<ContractDraft.Zone> zones(Path file, ContractBody predecessor) {
            if (next.isEmpty() && dropOld.isEmpty()) {
                throw new UserError("give --participant NAME=NEXT.pem (a rotation starts) or --drop-old NAME (it ends); "
                        + "to renew with the same roots: trustctl contract renew", ExitCodes.USAGE);
            }
            Map<String, SuccessorZones.NextRoot> roots = new LinkedHashMap<>();
            next.forEach((name, pem) -> roots.put(name, new SuccessorZones.NextRoot(pem, ContractFiles.certificate(pem))));
            return SuccessorZones.of(file, predecessor, roots, new LinkedHashSet<>(dropOld));
        }

        @Override
        String verb() {
            return "rotate";
        }
    }
}
