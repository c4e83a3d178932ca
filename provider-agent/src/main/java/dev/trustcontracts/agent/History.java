package dev.trustcontracts.agent;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.tree.RepositoryLayout;
import dev.trustcontracts.proto.v1.ContractBody;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * What the history of main says beyond its head: whether a new head descends from the applied commit
 * (rollback), and which contract ids were removed on the way (replay). Removals are read along the
 * first-parent chain, the history main itself went through, so that drafts deleted on a proposal branch
 * before its merge do not count; a commit that deletes a contract file, or replaces it with one of a
 * different id, removes that id; rewriting a file with the same id (re-signing) does not.
 */
public final class History {
    private final Repository repository;
    private final long maxBlobBytes;

    public History(Repository repository, long maxBlobBytes) {
        this.repository = repository;
        this.maxBlobBytes = maxBlobBytes;
    }

    /** Whether {@code head} is {@code applied} or a descendant of it. A commit the clone lacks does not descend. */
    public boolean descends(ObjectId applied, ObjectId head) throws IOException {
        if (applied.equals(head)) {
            return true;
        }
        try (RevWalk rw = new RevWalk(repository)) {
            RevCommit a;
            try {
                a = rw.parseCommit(applied);
            } catch (MissingObjectException e) {
                return false;
            }
            return rw.isMergedInto(a, rw.parseCommit(head));
        }
    }

    /**
     * The ids removed by the first-parent commits after {@code from} (exclusive; null for the whole
     * history) up to {@code to}, with what is known of each.
     */
    public Map<String, AgentState.Revoked> removedIds(ObjectId from, ObjectId to) throws IOException {
        Map<String, AgentState.Revoked> removed = new LinkedHashMap<>();
        Map<ObjectId, Optional<ContractBody>> parsed = new HashMap<>();
        try (ObjectReader reader = repository.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            rw.setFirstParent(true);
            rw.markStart(rw.parseCommit(to));
            if (from != null) {
                rw.markUninteresting(rw.parseCommit(from));
            }
            for (RevCommit c : rw) {
                commitRemovals(reader, rw, c, parsed).forEach((id, r) -> removed.putIfAbsent(id, r));
            }
        }
        return removed;
    }

    private Map<String, AgentState.Revoked> commitRemovals(ObjectReader reader, RevWalk rw, RevCommit c,
            Map<ObjectId, Optional<ContractBody>> parsed) throws IOException {
        Map<String, AgentState.Revoked> out = new HashMap<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            if (c.getParentCount() > 0) {
                RevCommit parent = rw.parseCommit(c.getParent(0));
                tw.addTree(parent.getTree());
            } else {
                tw.addTree(new EmptyTreeIterator());
            }
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            tw.setFilter(AndTreeFilter.create(PathFilter.create(RepositoryLayout.CONTRACTS_DIR.replace("/", "")),
                    TreeFilter.ANY_DIFF));
            Map<String, ContractBody> before = new HashMap<>();
            Set<String> after = new HashSet<>();
            Map<String, ObjectId> newBlobs = new HashMap<>();
            while (tw.next()) {
                String path = tw.getPathString();
                if (!RepositoryLayout.isContractPath(path)) {
                    continue;
                }
                if (isFile(tw.getFileMode(0))) {
                    body(reader, tw.getObjectId(0), path, parsed).ifPresent(b -> before.put(b.getId(), b));
                }
                if (isFile(tw.getFileMode(1))) {
                    newBlobs.put(path, tw.getObjectId(1));
                }
            }
            if (before.isEmpty()) {
                return out; // nothing left this commit's tree: adding files never revokes
            }
            for (Map.Entry<String, ObjectId> e : newBlobs.entrySet()) {
                body(reader, e.getValue(), e.getKey(), parsed).ifPresent(b -> after.add(b.getId()));
            }
            for (ContractBody b : before.values()) {
                if (!b.getId().isEmpty() && !after.contains(b.getId())) {
                    Instant na = b.hasNotAfter() ? Instant.ofEpochSecond(b.getNotAfter().getSeconds()) : null;
                    out.put(b.getId(), new AgentState.Revoked(b.getName(), na, c.name()));
                }
            }
        }
        return out;
    }

    private static boolean isFile(FileMode m) {
        return (m.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
    }

    private Optional<ContractBody> body(ObjectReader reader, ObjectId blob, String path,
            Map<ObjectId, Optional<ContractBody>> parsed) throws IOException {
        Optional<ContractBody> known = parsed.get(blob);
        if (known != null) {
            return known;
        }
        Optional<ContractBody> b = Optional.empty();
        Optional<ContractFormat> format = ContractFormat.forFileName(path.substring(path.lastIndexOf('/') + 1));
        if (format.isPresent() && reader.getObjectSize(blob, org.eclipse.jgit.lib.Constants.OBJ_BLOB) <= maxBlobBytes) {
            try {
                b = Optional.of(ContractCodec.parse(reader.open(blob).getCachedBytes((int) maxBlobBytes),
                        format.get()).getBody());
            } catch (ContractFormatException e) {
                b = Optional.empty(); // an unreadable file never carried trust, so its removal revokes nothing
            }
        }
        parsed.put(blob, b);
        return b;
    }
}
