package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The participants of a successor contract: the predecessor's (names, trust domains, roots), with a next root
 * added where a rotation starts and the next root promoted where one ends. Every refusal is one line naming the
 * participant and the file; nothing is written when one is refused.
 */
final class SuccessorZones {
    /** A next root to add for a participant, and the file it came from (for messages). */
    record NextRoot(Path file, X509Certificate certificate) {
    }

    private SuccessorZones() {
    }

    /**
     * @param file    the predecessor's file, for messages
     * @param addNext participant name to the next root it starts rotating to
     * @param dropOld participants whose next root becomes their only root
     */
    static List<ContractDraft.Zone> of(Path file, ContractBody predecessor, Map<String, NextRoot> addNext,
            Set<String> dropOld) {
        Map<String, Participant> byName = new LinkedHashMap<>();
        predecessor.getParticipantsList().forEach(p -> byName.put(p.getName(), p));
        for (String name : new TreeSet<>(addNext.keySet())) {
            known(file, predecessor, byName, name, "--participant " + name + "=" + addNext.get(name).file());
        }
        for (String name : new TreeSet<>(dropOld)) {
            known(file, predecessor, byName, name, "--drop-old " + name);
            if (addNext.containsKey(name)) {
                throw new UserError("participant " + name + ": give either --participant " + name
                        + "=NEXT.pem (a rotation starts) or --drop-old " + name + " (it ends), not both", ExitCodes.USAGE);
            }
        }
        List<X509Certificate> listed = new ArrayList<>();
        List<ContractDraft.Zone> zones = new ArrayList<>();
        for (Participant p : predecessor.getParticipantsList()) {
            X509Certificate current = root(file, p.getName(), "root", p.getCertificate(), p.getHash());
            X509Certificate next = p.hasNext()
                    ? root(file, p.getName(), "next root", p.getNext().getCertificate(), p.getNext().getHash()) : null;
            listed.add(current);
            if (next != null) {
                listed.add(next);
            }
            String td = p.getTrustDomain();
            if (dropOld.contains(p.getName())) {
                if (next == null) {
                    throw new UserError("--drop-old " + p.getName() + ": participant " + p.getName() + " of " + file
                            + " has no next root to promote (its only root is sha256:" + p.getHash() + "); a rotation "
                            + "starts with --participant " + p.getName() + "=NEXT.pem", ExitCodes.USAGE);
                }
                zones.add(new ContractDraft.Zone(p.getName(), next, td, null));
            } else if (addNext.containsKey(p.getName())) {
                NextRoot add = addNext.get(p.getName());
                zones.add(rotating(file, p, current, next, add));
            } else {
                zones.add(new ContractDraft.Zone(p.getName(), current, td, next));
            }
        }
        for (Map.Entry<String, NextRoot> e : addNext.entrySet()) {
            X509Certificate cert = e.getValue().certificate();
            for (Participant p : predecessor.getParticipantsList()) {
                boolean mine = p.getName().equals(e.getKey());
                if (!mine && (Fingerprint.of(cert).equals(p.getHash())
                        || (p.hasNext() && Fingerprint.of(cert).equals(p.getNext().getHash())))) {
                    throw new UserError("--participant " + e.getKey() + "=" + e.getValue().file() + ": that certificate "
                            + "is a root of participant " + p.getName() + " (sha256:" + Fingerprint.of(cert) + ")",
                            ExitCodes.USAGE);
                }
            }
        }
        return zones;
    }

    /** The zone of a participant whose rotation starts with {@code add}, or ends when it is its next root already. */
    private static ContractDraft.Zone rotating(Path file, Participant p, X509Certificate current, X509Certificate next,
            NextRoot add) {
        String name = p.getName();
        String arg = "--participant " + name + "=" + add.file();
        String hash = Fingerprint.of(add.certificate());
        if (hash.equals(p.getHash())) {
            throw new UserError(arg + ": " + add.file() + " is " + name + "'s current root (sha256:" + hash + "), not a "
                    + "next one; 'trustctl pki rotate start' writes the next root to next-ca.pem", ExitCodes.USAGE);
        }
        if (next != null && hash.equals(p.getNext().getHash())) {
            // what pki rotate's guide runs after finish (ca.pem is then the new root): the rotation ends
            return new ContractDraft.Zone(name, next, p.getTrustDomain(), null);
        }
        if (next != null) {
            throw new UserError(arg + ": participant " + name + " of " + file + " already lists a next root (sha256:"
                    + p.getNext().getHash() + "); a participant carries one next root: end that rotation first "
                    + "(--drop-old " + name + "), or write a new contract", ExitCodes.USAGE);
        }
        CertificateChecks.caDefect(add.certificate()).ifPresent(d -> {
            throw new UserError(arg + ": " + add.file() + " is not a root CA certificate ("
                    + (d == CertificateChecks.CaDefect.NOT_CA ? "basicConstraints does not say cA"
                            : "its key usage lacks keyCertSign") + "); a participant's root must be a CA", ExitCodes.USAGE);
        });
        return new ContractDraft.Zone(name, current, p.getTrustDomain(), add.certificate());
    }

    private static void known(Path file, ContractBody b, Map<String, Participant> byName, String name, String arg) {
        if (!byName.containsKey(name)) {
            throw new UserError(arg + ": " + name + " is not a participant of " + b.getName() + " (" + file + " lists "
                    + String.join(", ", byName.keySet()) + ")", ExitCodes.USAGE);
        }
    }

    /** A predecessor's root, read and checked against its declared hash: a successor never carries a wrong root. */
    private static X509Certificate root(Path file, String participant, String what, String pem, String declared) {
        X509Certificate cert;
        try {
            cert = Pem.certificate(pem);
        } catch (IllegalArgumentException e) { // PemException among them
            throw new UserError(file + ": participant " + participant + ": its " + what + " cannot be read ("
                    + e.getMessage() + "); write a new contract instead", ExitCodes.INVALID);
        }
        if (!Fingerprint.of(cert).equals(declared)) {
            throw new UserError(file + ": participant " + participant + ": the declared hash of its " + what + " ("
                    + declared + ") is not the certificate's SHA-256 (" + Fingerprint.of(cert) + "); write a new "
                    + "contract instead", ExitCodes.INVALID);
        }
        return cert;
    }
}
