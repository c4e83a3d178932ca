package dev.trustcontracts.reposerver.index;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Participant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something on main that ends: a valid contract at its effective expiry, or a root (current or next) of a
 * participant of one, at its notAfter; with the command that moves the end. For the metrics, the JSON API and the
 * UI's "ending soonest" list.
 *
 * @param kind        {@code contract} or {@code root}
 * @param name        the contract's name, or the participant name the first contract (by name) gives the root
 * @param fingerprint the root's SHA-256 fingerprint; null for a contract
 * @param path        the contract's file; null for a root
 * @param contracts   the contracts that list the root (sorted), or the contract itself
 * @param endsAt      the effective expiry, or the root's notAfter
 * @param command     what renews or rotates it
 */
public record Ending(String kind, String name, String fingerprint, String path, List<String> contracts,
        Instant endsAt, String command) {
    public Ending {
        contracts = List.copyOf(contracts);
    }

    /** Every contract and every listed root of the valid contracts (ordered by name), soonest first. */
    static List<Ending> of(List<VerifiedContract> byName) {
        List<Ending> out = new ArrayList<>();
        Map<String, Ending> roots = new LinkedHashMap<>();
        for (VerifiedContract c : byName) {
            String rootEndingFirst = null;
            for (Participant p : c.contract().getBody().getParticipantsList()) {
                List<String[]> listed = new ArrayList<>();
                listed.add(new String[] {p.getHash(), p.getCertificate()});
                if (p.hasNext()) {
                    listed.add(new String[] {p.getNext().getHash(), p.getNext().getCertificate()});
                }
                for (String[] r : listed) {
                    Instant notAfter = Pem.certificate(r[1]).getNotAfter().toInstant(); // verified: it parses
                    if (notAfter.equals(c.effectiveExpiry()) && rootEndingFirst == null) {
                        rootEndingFirst = p.getName();
                    }
                    Ending seen = roots.get(r[0]);
                    List<String> names = new ArrayList<>(seen == null ? List.of() : seen.contracts());
                    names.add(c.name());
                    String zone = seen == null ? p.getName() : seen.name();
                    roots.put(r[0], new Ending("root", zone, r[0], null, names, notAfter,
                            "trustctl pki rotate start (in zone " + zone + "), then for each contract: trustctl "
                                    + "contract rotate NAME --participant " + zone + "=NEXT.pem"));
                }
            }
            // a contract that ends with a root is rotated, not renewed: a successor would end with the same root
            out.add(new Ending("contract", c.name(), null, c.path(), List.of(c.name()), c.effectiveExpiry(),
                    rootEndingFirst == null ? "trustctl contract renew " + c.name()
                            : "trustctl contract rotate " + c.name() + " --participant " + rootEndingFirst + "=NEXT.pem"
                                    + " (after trustctl pki rotate start in zone " + rootEndingFirst + ")"));
        }
        out.addAll(roots.values());
        out.sort(Comparator.comparing(Ending::endsAt).thenComparing(Ending::kind).thenComparing(Ending::name));
        return List.copyOf(out);
    }
}
