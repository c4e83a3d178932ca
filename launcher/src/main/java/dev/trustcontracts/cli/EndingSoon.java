package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code repo lint --warn-within} reports: each valid contract whose effective expiry falls within the margin,
 * one line, soonest first, naming what ends first (the window, a participant's root, a signer certificate), when,
 * and the command that moves the end past the margin. A contract in which a root ends within the margin is told to
 * rotate rather than renew: a renewal would carry the same root, and so the same end.
 */
final class EndingSoon {
    private EndingSoon() {
    }

    /** A contract that ends within the margin, and its warning line. */
    record Ending(VerifiedContract contract, String line) {
    }

    /** The warning lines, soonest first; each starts with the contract's file as a problem line does. */
    static List<String> lines(List<VerifiedContract> valid, Instant now, Duration margin) {
        return of(valid, now, margin).stream().map(Ending::line).toList();
    }

    /** The contracts that end within the margin, soonest first, each with its line. */
    static List<Ending> of(List<VerifiedContract> valid, Instant now, Duration margin) {
        Instant limit = now.plus(margin);
        return valid.stream().filter(c -> !c.effectiveExpiry().isAfter(limit))
                .sorted(Comparator.comparing(VerifiedContract::effectiveExpiry).thenComparing(VerifiedContract::path))
                .map(c -> new Ending(c, line(c, now, limit))).toList();
    }

    private record Root(Participant participant, boolean next, X509Certificate certificate, String hash) {
        Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }
    }

    private static String line(VerifiedContract c, Instant now, Instant limit) {
        Contract contract = c.contract();
        String name = c.name();
        Instant end = c.effectiveExpiry();
        List<Root> roots = roots(contract);
        Optional<Root> rootFirst = roots.stream().filter(r -> r.notAfter().equals(end)).findFirst();
        String what;
        if (rootFirst.isPresent()) {
            what = rootName(rootFirst.get());
        } else if (ProtoTime.toInstant(contract.getBody().getNotAfter()).equals(end)) {
            what = "its window (not_after)";
        } else {
            what = signerEndingAt(contract, end).orElse("a signer certificate");
        }
        // a root within the margin outlives any renewal: it has to be rotated
        Optional<Root> rootSoon = rootFirst.or(() -> roots.stream().filter(r -> !r.notAfter().isAfter(limit))
                .min(Comparator.comparing(Root::notAfter)));
        String todo = rootSoon.map(r -> "rotate " + r.participant().getName() + "'s root (trustctl pki rotate start in "
                        + "that zone), then: trustctl contract rotate " + name + " --participant "
                        + r.participant().getName() + "=NEXT.pem")
                .orElse("renew: trustctl contract renew " + name);
        return c.path() + ": [ends-soon] " + name + " ends at " + end + " (" + left(now, end) + "): " + what
                + " ends first; " + todo;
    }

    private static List<Root> roots(Contract contract) {
        List<Root> out = new ArrayList<>();
        for (Participant p : contract.getBody().getParticipantsList()) {
            out.add(new Root(p, false, Pem.certificate(p.getCertificate()), p.getHash()));
            if (p.hasNext()) {
                out.add(new Root(p, true, Pem.certificate(p.getNext().getCertificate()), p.getNext().getHash()));
            }
        }
        return out;
    }

    private static String rootName(Root r) {
        return r.participant().getName() + "'s " + (r.next() ? "next " : "") + "root (sha256 " + r.hash() + ")";
    }

    /** The participant and subject of a signature chain certificate that ends at {@code end}. */
    private static Optional<String> signerEndingAt(Contract contract, Instant end) {
        for (Signature s : contract.getSignaturesList()) {
            for (String pem : s.getCertificateChainList()) {
                X509Certificate cert = Pem.certificate(pem);
                if (cert.getNotAfter().toInstant().equals(end)) {
                    return Optional.of(s.getParticipant() + "'s signer certificate "
                            + cert.getSubjectX500Principal().getName());
                }
            }
        }
        return Optional.empty();
    }

    private static String left(Instant now, Instant end) {
        if (now.isAfter(end)) {
            return "ended";
        }
        long days = Duration.between(now, end).toDays();
        return days == 1 ? "in 1 day" : "in " + days + " days";
    }
}
