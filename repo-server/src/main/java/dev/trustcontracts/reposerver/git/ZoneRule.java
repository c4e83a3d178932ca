package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.tree.GitDiffWalk;
import dev.trustcontracts.core.tree.RepositoryLayout;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.reposerver.auth.Access;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Who may change which contract on main. Every way main moves (a push, an API merge, an API revocation) is
 * judged by the same comparison of main before and after: deleting a contract file revokes it and needs a user
 * of one of the zones it lists; changing one needs a user of one of the zones of both the old and the new
 * version; adding one needs a user of one of its zones. Admins may do all. A file that cannot be read as a
 * contract lists no zone, so only an admin may delete or change it (a new unreadable file is left to the
 * validator, which refuses it anyway).
 */
final class ZoneRule {
    /** Contract files larger than this are not parsed for their zones (the validator refuses them anyway). */
    private static final int MAX_BYTES = 8 << 20;

    /** One refused change of one file. */
    record Refusal(String path, String rule, String message) {
    }

    private ZoneRule() {
    }

    /**
     * The refusals for moving main from {@code before} to {@code after} as {@code who}; empty when allowed.
     * With {@code needsOwnContract}, a non-admin is also refused when the change touches no contract file
     * at all (a merge must list one of the user's zones: a proposal of other files is for admins).
     */
    static List<Refusal> check(Repository repo, ObjectId before, ObjectId after, Access who, boolean needsOwnContract)
            throws IOException {
        List<Refusal> out = new ArrayList<>();
        if (who.admin()) {
            return out;
        }
        int contracts = 0;
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            for (GitDiffWalk.PathChange change : GitDiffWalk.changes(reader, rw.parseCommit(before).getTree(),
                    rw.parseCommit(after).getTree(), GitDiffWalk.under(RepositoryLayout.CONTRACTS_DIR))) {
                String path = change.path();
                if (!RepositoryLayout.isContractPath(path)) {
                    continue; // README.md, .gitkeep: the validator decides what else may be there
                }
                contracts++;
                ObjectId old = change.oldId();
                ObjectId now = change.newId();
                boolean had = !old.equals(ObjectId.zeroId());
                boolean has = !now.equals(ObjectId.zeroId());
                if (had) {
                    Set<String> zones = zones(reader, path, old).orElse(Set.of());
                    if (!who.actsForAny(zones)) {
                        String verb = has ? "changing" : "revoking (deleting)";
                        out.add(new Refusal(path, has ? "zone-change" : "zone-revoke", verb + " " + path
                                + " needs a user of " + listed(zones) + " or an admin; " + who.user() + " has "
                                + who.describe()));
                        continue;
                    }
                }
                if (has) {
                    Optional<Set<String>> zones = zones(reader, path, now);
                    if (zones.isPresent() && !who.actsForAny(zones.get())) {
                        out.add(new Refusal(path, "zone-add", (had ? "the new version of " : "adding ") + path
                                + " needs a user of " + listed(zones.get()) + " or an admin; " + who.user()
                                + " has " + who.describe()));
                    }
                }
            }
        }
        if (needsOwnContract && contracts == 0) {
            out.add(new Refusal("contracts/", "zone-merge", "the change lists no zone (it touches no contract "
                    + "file), so it is for an admin; " + who.user() + " has " + who.describe()));
        }
        return out;
    }

    /** For the server's own changes of main: refused naming the first refused file and its rule, all as problems. */
    static void refuse(Repository repo, ObjectId before, ObjectId after, Access who, String action,
                       boolean needsOwnContract) throws IOException {
        List<Refusal> refusals = check(repo, before, after, who, needsOwnContract);
        if (!refusals.isEmpty()) {
            Refusal first = refusals.get(0);
            throw new OperationRefused(OperationRefused.Reason.FORBIDDEN, who.user() + " may not " + action + ": " + first.message() + " [rule "
                    + first.rule() + "]", refusals.stream().map(r -> r.path() + ": " + r.message()).toList());
        }
    }

    private static String listed(Set<String> zones) {
        return zones.isEmpty() ? "a zone it lists (it lists none that can be read)"
                : "zone " + String.join(" or ", new TreeSet<>(zones));
    }

    /** The participant names a contract file lists, or empty when it cannot be read as a contract. */
    private static Optional<Set<String>> zones(ObjectReader reader, String path, ObjectId blob) throws IOException {
        Optional<ContractFormat> format = ContractFormat.forFileName(path);
        if (format.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = reader.open(blob).getCachedBytes(MAX_BYTES);
            Set<String> names = new TreeSet<>();
            for (Participant p : ContractCodec.parse(bytes, format.get()).getBody().getParticipantsList()) {
                names.add(p.getName());
            }
            return Optional.of(names);
        } catch (ContractFormatException | RuntimeException e) {
            // too large (LargeObjectException) or a parser's complaint about hostile bytes: no readable zone
            return Optional.empty();
        }
    }
}
