package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.tree.GitDiffWalk;
import dev.trustcontracts.core.tree.RepositoryLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.ReflogEntry;
import org.eclipse.jgit.lib.ReflogReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The audit trail of {@code contracts/} on main: main's first-parent history (what every clone sees), one
 * event per commit that added, changed or deleted a contract file, each compared with its first parent, so
 * a merge commit shows what the merge brought to main. Where the server's reflog of main still records
 * the update that brought a commit (a push or an API merge or revocation), the event names the
 * authenticated user and the time of that update; the commit's author is what the committer wrote.
 */
final class ContractHistory {
    /** At most this many commits are read per request; the answer then says where to continue. */
    static final int MAX_COMMITS_PER_REQUEST = 5_000;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** An event lists at most this many changes (a commit adding 10,000 contracts); {@code changeCount} has them all. */
    static final int MAX_CHANGES_PER_EVENT = 100;

    private final ContractRepository repository;
    /** {@link #lastChange} answers for one commit of main: they never change while main stays there. */
    private volatile LastChanges lastChanges = new LastChanges(ObjectId.zeroId());

    private record LastChanges(ObjectId main, Map<String, Optional<Map<String, Object>>> byPath) {
        LastChanges(ObjectId main) {
            this(main, new java.util.concurrent.ConcurrentHashMap<>());
        }
    }

    ContractHistory(ContractRepository repository) {
        this.repository = repository;
    }

    /** One change of one contract file in one commit. */
    record Change(String path, String name, String change, String blob) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("name", name);
            m.put("change", change);
            m.put("blob", blob);
            return m;
        }
    }

    /**
     * The events, newest first.
     *
     * @param contract only events touching this contract name's files, or null for all
     * @param q        only changes of contracts whose name contains this (case-insensitive), or null for all
     * @param start    the commit to start from (a {@code next} of an earlier answer), or null for main
     * @param limit    at most this many events
     */
    Map<String, Object> list(String contract, String q, String start, int limit) throws IOException {
        String search = q == null ? "" : q.strip().toLowerCase(java.util.Locale.ROOT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "limit must be between 1 and " + MAX_LIMIT);
        }
        if (contract != null && !dev.trustcontracts.core.contract.Names.isLabel(contract)) {
            throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "'" + contract + "' is not a contract name");
        }
        Repository repo = repository.git();
        ObjectId main = repository.main();
        ObjectId from = main;
        if (start != null && !start.isEmpty()) {
            if (!ObjectId.isId(start)) {
                throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "start must be a full commit id");
            }
            from = ObjectId.fromString(start);
        }
        TreeFilter filter = contract == null
                ? PathFilter.create(RepositoryLayout.CONTRACTS_DIR.substring(0, RepositoryLayout.CONTRACTS_DIR.length() - 1))
                : PathFilterGroup.createFromStrings(pathsOf(contract));
        List<Map<String, Object>> events = new ArrayList<>();
        String next = null;
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit mainCommit = rw.parseCommit(main);
            RevCommit c;
            try {
                c = rw.parseCommit(from);
            } catch (org.eclipse.jgit.errors.MissingObjectException
                     | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                throw new OperationRefused(OperationRefused.Reason.NOT_FOUND, "no commit " + from.name());
            }
            if (!from.equals(main) && !rw.isMergedInto(c, mainCommit)) {
                throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "commit " + from.name() + " is not in main's history");
            }
            Pushes pushes = Pushes.read(repo);
            if (!from.equals(main)) {
                // which update brought the starting commit: follow main's first parents down to it
                for (RevCommit above = mainCommit; above != null && !above.equals(c); ) {
                    pushes.of(above);
                    above = above.getParentCount() > 0 ? rw.parseCommit(above.getParent(0)) : null;
                }
            }
            int read = 0;
            while (c != null) {
                if (events.size() >= limit || read >= MAX_COMMITS_PER_REQUEST) {
                    next = c.name();
                    break;
                }
                read++;
                ReflogEntry push = pushes.of(c);
                RevCommit parent = c.getParentCount() > 0 ? rw.parseCommit(c.getParent(0)) : null;
                List<Change> changes = changes(reader, parent, c, filter);
                if (!search.isEmpty()) {
                    changes = changes.stream()
                            .filter(ch -> ch.name().toLowerCase(java.util.Locale.ROOT).contains(search)).toList();
                }
                if (!changes.isEmpty()) {
                    events.add(event(c, changes, push));
                }
                c = parent;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", main.name());
        if (contract != null) {
            m.put("contract", contract);
        }
        if (!search.isEmpty()) {
            m.put("q", q);
        }
        m.put("events", events);
        m.put("next", next);
        return m;
    }

    /** The latest event that added or changed the file at {@code path} on main: where its content came from. */
    Optional<Map<String, Object>> lastChange(String path) throws IOException {
        ObjectId main = repository.main();
        LastChanges cache = lastChanges;
        if (!cache.main().equals(main)) {
            cache = new LastChanges(main.copy());
            lastChanges = cache;
        }
        Optional<Map<String, Object>> known = cache.byPath().get(path);
        if (known == null) {
            known = lastChange(main, path);
            if (cache.byPath().size() < 10_000) {
                cache.byPath().put(path, known);
            }
        }
        return known;
    }

    private Optional<Map<String, Object>> lastChange(ObjectId main, String path) throws IOException {
        Repository repo = repository.git();
        TreeFilter filter = PathFilter.create(path);
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit c = rw.parseCommit(main);
            Pushes pushes = Pushes.read(repo);
            for (int read = 0; c != null && read < MAX_COMMITS_PER_REQUEST; read++) {
                ReflogEntry push = pushes.of(c);
                RevCommit parent = c.getParentCount() > 0 ? rw.parseCommit(c.getParent(0)) : null;
                List<Change> changes = changes(reader, parent, c, filter);
                if (!changes.isEmpty()) {
                    return Optional.of(event(c, changes, push));
                }
                c = parent;
            }
        }
        return Optional.empty();
    }

    static String[] pathsOf(String contract) {
        return new String[] {
                RepositoryLayout.CONTRACTS_DIR + contract + ".yaml",
                RepositoryLayout.CONTRACTS_DIR + contract + ".yml",
                RepositoryLayout.CONTRACTS_DIR + contract + ".pb"};
    }

    private static List<Change> changes(ObjectReader reader, RevCommit parent, RevCommit commit, TreeFilter paths)
            throws IOException {
        List<Change> out = new ArrayList<>();
        for (GitDiffWalk.PathChange change : GitDiffWalk.changes(reader,
                parent == null ? null : parent.getTree(), commit.getTree(), paths)) {
            String path = change.path();
            if (!RepositoryLayout.isContractPath(path)) {
                continue; // README.md, .gitkeep
            }
            ObjectId before = change.oldId();
            ObjectId after = change.newId();
            boolean had = !before.equals(ObjectId.zeroId());
            boolean has = !after.equals(ObjectId.zeroId());
            String kind = had && has ? "changed" : has ? "added" : "revoked";
            out.add(new Change(path, ContractFormat.baseName(path), kind, (has ? after : before).name()));
        }
        return out;
    }

    private static Map<String, Object> event(RevCommit c, List<Change> changes, ReflogEntry push) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", c.name());
        m.put("subject", c.getShortMessage());
        m.put("author", person(c.getAuthorIdent()));
        m.put("committedAt", c.getCommitterIdent().getWhenAsInstant().toString());
        m.put("merge", c.getParentCount() > 1);
        if (push != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("user", push.getWho().getName());
            p.put("at", push.getWho().getWhenAsInstant().toString());
            p.put("message", push.getComment());
            m.put("mainUpdate", p);
        } else {
            m.put("mainUpdate", null);
        }
        m.put("changeCount", changes.size());
        m.put("changes", changes.stream().limit(MAX_CHANGES_PER_EVENT).map(Change::json).toList());
        return m;
    }

    private static Map<String, Object> person(PersonIdent p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.getName());
        m.put("email", p.getEmailAddress());
        m.put("at", p.getWhenAsInstant().toString());
        return m;
    }

    /**
     * The reflog of main, by the commit each update moved main to. Walking main's first parents from the
     * tip, a commit belongs to the newest update at or above it until that update's old commit is reached.
     */
    private static final class Pushes {
        private final Map<ObjectId, ReflogEntry> byNew;
        private ReflogEntry current;

        private Pushes(Map<ObjectId, ReflogEntry> byNew) {
            this.byNew = byNew;
        }

        static Pushes read(Repository repo) throws IOException {
            Map<ObjectId, ReflogEntry> byNew = new HashMap<>();
            ReflogReader reader = repo.getRefDatabase().getReflogReader(Constants.R_HEADS + "main");
            if (reader != null) {
                // oldest first, so that when main returned to a commit the newest update wins
                List<ReflogEntry> entries = new ArrayList<>(reader.getReverseEntries());
                java.util.Collections.reverse(entries);
                for (ReflogEntry e : entries) {
                    byNew.put(e.getNewId().copy(), e);
                }
            }
            return new Pushes(byNew);
        }

        /** Call for each commit of the first-parent walk, in order. */
        ReflogEntry of(RevCommit c) {
            ReflogEntry e = byNew.get(c);
            if (e != null) {
                current = e;
            } else if (current != null && current.getOldId().equals(c)) {
                current = null; // below the update's starting point and no record of how it got there
            }
            return current;
        }
    }
}
