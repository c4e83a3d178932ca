package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.SigningException;
import dev.trustcontracts.core.contract.Verification;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyDescription;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.SubjectText;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

/** Create, sign, verify and show contract files. */
@Command(name = "contract", mixinStandardHelpOptions = true,
        description = "Create, co-sign, verify and inspect contract files.",
        subcommands = {ContractCommand.New.class, ContractCommand.Sign.class, ContractCommand.Verify.class,
            ContractCommand.Show.class, SuccessorCommands.Renew.class, SuccessorCommands.Rotate.class})
final class ContractCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Trustctl root;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The root command's clock. */
    Clock clock() {
        return Trustctl.clockOf(root);
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Write a new, unsigned contract: fingerprints computed, a fresh random id, a validity window.")
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContractCommand parent;

        @Option(names = "--name", required = true, description = "Contract name (a DNS label); the file must be named after it.")
        String name;

        @Option(names = "--participant", required = true, paramLabel = "NAME=CA.pem[,NEXT.pem]",
                description = "A zone and its root CA certificate; repeat for every zone (at least two). During a "
                        + "rotation of the zone's root, its next root after a comma: that zone then signs with each root.")
        Map<String, String> participants = new LinkedHashMap<>();

        @Option(names = "--trust-domain", paramLabel = "NAME=DOMAIN",
                description = "Optional trust domain declared for a participant.")
        Map<String, String> trustDomains = new LinkedHashMap<>();

        @Option(names = "--valid-for", defaultValue = "365d", converter = DurationConverter.class,
                description = "How long the contract holds from now (default: ${DEFAULT-VALUE}).")
        Duration validFor;

        @Option(names = {"-o", "--output"}, required = true,
                description = "File to write: contracts/<name>.yaml (or .yml, .pb).")
        Path output;

        @Option(names = "--force", description = "Overwrite an existing file.")
        boolean force;

        @picocli.CommandLine.Mixin
        MaxWindowOption window = new MaxWindowOption();

        @Override
        public Integer call() {
            if (participants.size() < 2) {
                throw new UserError("a contract needs at least two --participant NAME=CA.pem", ExitCodes.USAGE);
            }
            for (String td : trustDomains.keySet()) {
                if (!participants.containsKey(td)) {
                    throw new UserError("--trust-domain names '" + td + "', who is not a --participant", ExitCodes.USAGE);
                }
            }
            ContractFiles.format(output);
            if (validFor.compareTo(window.value()) > 0) {
                throw new UserError("--valid-for " + DurationConverter.format(validFor) + " is longer than the maximum "
                        + "contract window " + DurationConverter.format(window.value()) + " (window-too-long); use a "
                        + "shorter --valid-for, or --max-contract-window when every server and agent allows more",
                        ExitCodes.USAGE);
            }
            if (Files.exists(output) && !force) {
                throw new UserError(output + " already exists (use --force to overwrite)");
            }
            List<ContractDraft.Zone> zones = new ArrayList<>();
            participants.forEach((zone, files) -> {
                String[] roots = files.split(",", -1);
                if (roots.length > 2 || roots[0].isEmpty() || (roots.length == 2 && roots[1].isEmpty())) {
                    throw new UserError("--participant " + zone + "=" + files + ": give CA.pem, or CA.pem,NEXT.pem "
                            + "(the current root and the next one)", ExitCodes.USAGE);
                }
                zones.add(new ContractDraft.Zone(zone, ContractFiles.certificate(Path.of(roots[0])),
                        trustDomains.get(zone), roots.length == 2 ? ContractFiles.certificate(Path.of(roots[1])) : null));
            });
            Contract c;
            try {
                c = ContractDraft.create(name, zones, parent.clock().instant().truncatedTo(ChronoUnit.SECONDS), validFor);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE);
            }
            ContractFiles.write(output, c);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("wrote %s: contract %s (id %s) between %s, valid until %s; every participant must now sign it%n",
                    output, name, c.getBody().getId(), String.join(", ", participants.keySet()),
                    ProtoTime.toWholeSeconds(c.getBody().getNotAfter()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Add your zone's signature. The participant is found from the chain; re-signing replaces only yours.")
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContractCommand parent;

        @Parameters(index = "0", description = "The contract file; rewritten in place, atomically.")
        Path file;

        @Option(names = "--key", required = true, description = "Signing key, PEM (from 'trustctl pki issue', or the root's).")
        Path key;

        @Option(names = "--cert", required = true, description = "The signing certificate, PEM.")
        Path cert;

        @Option(names = "--chain", description = "Intermediate certificates up to (optionally including) the root, PEM; repeatable.")
        List<Path> chain = new ArrayList<>();

        @Override
        public Integer call() {
            Contract c = ContractFiles.read(file);
            List<X509Certificate> certs = new ArrayList<>(ContractFiles.certificates(cert));
            chain.forEach(p -> certs.addAll(ContractFiles.certificates(p)));
            Contract signed;
            try {
                signed = ContractSigner.sign(c, ContractFiles.privateKey(key), certs, parent.clock().instant());
            } catch (SigningException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            ContractFiles.write(file, signed);
            Signature mine = signed.getSignaturesList().stream()
                    .filter(s -> !c.getSignaturesList().contains(s)).findFirst().orElseThrow();
            Instant signerEnds = certs.get(0).getNotAfter().toInstant();
            Instant notAfter = ProtoTime.toWholeSeconds(c.getBody().getNotAfter());
            if (c.getBody().hasNotAfter() && signerEnds.isBefore(notAfter)) {
                spec.commandLine().getErr().printf("warning: the signer certificate ends at %s, before not_after %s: "
                        + "the contract stops holding then (its effective expiry)%n", signerEnds, notAfter);
            }
            spec.commandLine().getOut().printf("signed %s as participant %s (%d of %d participants have signed)%n",
                    file, mine.getParticipant(), signed.getSignaturesList().stream().map(Signature::getParticipant)
                            .distinct().count(), signed.getBody().getParticipantsCount());
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check contract files against every rule. Exit 0 when all are valid, 3 otherwise; one line per problem.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContractCommand parent;

        @Parameters(arity = "1..*", description = "Contract files.")
        List<Path> files;

        @picocli.CommandLine.Mixin
        MaxWindowOption window = new MaxWindowOption();

        @picocli.CommandLine.Mixin
        OutputOption output = new OutputOption();

        @Override
        public Integer call() throws IOException {
            ContractVerifier verifier = window.verifier();
            Instant now = parent.clock().instant();
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output.json();
            boolean allValid = true;
            List<Object> results = new ArrayList<>();
            for (Path f : files) {
                ContractFiles.format(f);
                String name = f.toString();
                Verification v = verifier.verify(name, ContractFiles.bytes(f));
                List<Problem> problems = v.problemsAt(now);
                if (json) {
                    allValid &= problems.isEmpty();
                    results.add(verdict(name, v, problems));
                } else if (problems.isEmpty()) {
                    ContractBody b = v.contract().orElseThrow().getBody();
                    out.printf("%s: valid: %s between %s, until %s%n", name, b.getName(),
                            String.join(", ", b.getParticipantsList().stream().map(Participant::getName).toList()),
                            expiry(v, b));
                } else {
                    allValid = false;
                    problems.forEach(out::println);
                }
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("valid", allValid);
                m.put("files", results);
                OutputOption.print(out, m);
            }
            return allValid ? ExitCodes.OK : ExitCodes.INVALID;
        }

        /** {file, valid, name, id, participants, notBefore, notAfter, effectiveExpiry, problems}; null when unread. */
        private static Map<String, Object> verdict(String file, Verification v, List<Problem> problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("valid", problems.isEmpty());
            ContractBody b = v.contract().map(Contract::getBody).orElse(null);
            m.put("name", b == null ? null : b.getName());
            m.put("id", b == null ? null : b.getId());
            m.put("participants", b == null ? List.of() : b.getParticipantsList().stream().map(Participant::getName).toList());
            m.put("notBefore", b == null ? null : ProtoTime.toWholeSeconds(b.getNotBefore()).toString());
            m.put("notAfter", b == null ? null : ProtoTime.toWholeSeconds(b.getNotAfter()).toString());
            m.put("effectiveExpiry", v.effectiveExpiry().map(Instant::toString).orElse(null));
            m.put("problems", problems.stream().map(Problem::toJson).toList());
            return m;
        }
    }

    /**
     * The effective expiry, and why when it is earlier than not_after: "2027-01-01T00:00:00Z (effective
     * expiry; not_after 2027-06-01T00:00:00Z)".
     */
    static String expiry(Verification v, ContractBody b) {
        Instant notAfter = ProtoTime.toInstant(b.getNotAfter());
        Instant effective = v.effectiveExpiry().orElse(notAfter);
        return effective.equals(notAfter) ? effective + " (effective expiry: not_after)"
                : effective + " (effective expiry: a root or signer certificate ends before not_after " + notAfter + ")";
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Summarise a contract: participants, fingerprints, window, who signed and whether it is valid now.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContractCommand parent;

        @Parameters(index = "0", description = "The contract file.")
        Path file;

        @picocli.CommandLine.Mixin
        MaxWindowOption window = new MaxWindowOption();

        @picocli.CommandLine.Mixin
        OutputOption output = new OutputOption();

        @Override
        public Integer call() throws IOException {
            boolean json = output.json();
            Contract c = ContractFiles.read(file);
            ContractBody b = c.getBody();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Verification v = window.verifier().verify(file.toString(), ContractFiles.bytes(file));
                OutputOption.print(out, summary(c, v, v.problemsAt(parent.clock().instant())));
                return ExitCodes.OK;
            }
            out.printf("contract   %s%nid         %s%nvalid      %s .. %s%n", b.getName(), b.getId(),
                    ProtoTime.toWholeSeconds(b.getNotBefore()), ProtoTime.toWholeSeconds(b.getNotAfter()));
            out.println("participants");
            for (Participant p : b.getParticipantsList()) {
                out.printf("  %-16s sha256:%s%n  %-16s %s%n", p.getName(), p.getHash(), "", subject(p.getCertificate()));
                if (p.hasNext()) {
                    out.printf("  %-16s sha256:%s%n  %-16s %s%n", "  next root", p.getNext().getHash(), "",
                            subject(p.getNext().getCertificate()));
                }
                List<Signature> sigs = c.getSignaturesList().stream()
                        .filter(x -> x.getParticipant().equals(p.getName())).toList();
                if (sigs.isEmpty()) {
                    out.printf("  %-16s %s%n", "", "NOT SIGNED");
                }
                for (Signature s : sigs) {
                    out.printf("  %-16s %s%n", "", "signed " + ProtoTime.toWholeSeconds(s.getSignedAt())
                            + " by " + signer(s));
                }
            }
            Verification v = window.verifier().verify(file.toString(), ContractFiles.bytes(file));
            List<Problem> problems = v.problemsAt(parent.clock().instant());
            if (v.effectiveExpiry().isPresent()) {
                out.println("expires    " + expiry(v, b));
            }
            out.println(problems.isEmpty() ? "status     valid now" : "status     NOT valid now (" + problems.size()
                    + " problem" + (problems.size() == 1 ? "" : "s") + "; run 'trustctl contract verify')");
            return ExitCodes.OK;
        }

        /** The JSON of {@code contract show -o json} (docs/cli.md). */
        private Map<String, Object> summary(Contract c, Verification v, List<Problem> problems) {
            ContractBody b = c.getBody();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("name", b.getName());
            m.put("id", b.getId());
            m.put("notBefore", ProtoTime.toWholeSeconds(b.getNotBefore()).toString());
            m.put("notAfter", ProtoTime.toWholeSeconds(b.getNotAfter()).toString());
            m.put("effectiveExpiry", v.effectiveExpiry().map(Instant::toString).orElse(null));
            List<Object> ps = new ArrayList<>();
            for (Participant p : b.getParticipantsList()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("name", p.getName());
                pm.put("hash", p.getHash());
                pm.put("subject", subjectName(p.getCertificate()));
                pm.put("trustDomain", p.getTrustDomain());
                if (p.hasNext()) {
                    Map<String, Object> next = new LinkedHashMap<>();
                    next.put("hash", p.getNext().getHash());
                    next.put("subject", subjectName(p.getNext().getCertificate()));
                    pm.put("next", next);
                } else {
                    pm.put("next", null);
                }
                pm.put("signatures", c.getSignaturesList().stream().filter(x -> x.getParticipant().equals(p.getName()))
                        .map(x -> {
                            Map<String, Object> sm = new LinkedHashMap<>();
                            sm.put("signedAt", ProtoTime.toWholeSeconds(x.getSignedAt()).toString());
                            sm.put("signer", x.getCertificateChainCount() == 0 ? null
                                    : subjectName(x.getCertificateChain(0)));
                            return sm;
                        })
                        .toList());
                ps.add(pm);
            }
            m.put("participants", ps);
            m.put("valid", problems.isEmpty());
            m.put("problems", problems.stream().map(Problem::toJson).toList());
            return m;
        }

        /**
         * For -o json, apart from the text's wording: the subject as RFC 2253 with the serial-number attribute by
         * name, null when the certificate does not read.
         */
        private static String subjectName(String pem) {
            try {
                return Pem.certificate(pem).getSubjectX500Principal().getName(
                        javax.security.auth.x500.X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER"));
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String subject(String pem) {
            try {
                X509Certificate c = Pem.certificate(pem);
                return SubjectText.subject(c) + " (" + KeyDescription.of(c) + ")";
            } catch (RuntimeException e) {
                return "(unreadable certificate)";
            }
        }

        private static String signer(Signature s) {
            try {
                X509Certificate c = Pem.certificate(s.getCertificateChain(0));
                return SubjectText.subject(c) + " (" + KeyDescription.of(c) + ", sha256:" + Fingerprint.of(c) + ")";
            } catch (RuntimeException e) {
                return "(unreadable signer certificate)";
            }
        }
    }
}
