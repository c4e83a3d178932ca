package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.Verification;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.proto.v1.ContractBody;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * What a scan learnt about a tree before judging it at an instant: each contract file's verification and
 * each other entry's problem, by path. Immutable. {@link #judge} applies the rules across files and the
 * time bounds; {@link TreeScanner#rescan} derives the state of a changed tree from its diff alone, so a
 * push that changes one file costs one verification and no walk over the unchanged files.
 */
public final class ScanState {
    /** How many of the other files a duplicate-id or duplicate-name problem names. */
    private static final int NAMED_OTHERS = 3;

    private final NavigableMap<String, Verification> contracts;
    private final Map<String, Problem> entryProblems;
    private final int contractFiles;
    private final boolean overLimit;

    ScanState(NavigableMap<String, Verification> contracts, Map<String, Problem> entryProblems, int contractFiles,
              boolean overLimit) {
        this.contracts = Collections.unmodifiableNavigableMap(contracts);
        this.entryProblems = Collections.unmodifiableMap(entryProblems);
        this.contractFiles = contractFiles;
        this.overLimit = overLimit;
    }

    /** Verified contract files by path (parsed or not), in path order. */
    NavigableMap<String, Verification> contracts() {
        return contracts;
    }

    /** Problems of entries that were not verified (links, submodules, stray or oversized files), by path. */
    Map<String, Problem> entryProblems() {
        return entryProblems;
    }

    /** Files at contract paths, including oversized ones that were not read. */
    public int contractFiles() {
        return contractFiles;
    }

    /** Whether the tree had more contract files than the limit (and so some were not read). */
    public boolean overLimit() {
        return overLimit;
    }

    /** The valid contracts and all problems at {@code now}: the same answer as a full scan of the tree. */
    public ScanResult judge(Instant now) {
        List<Problem> problems = new ArrayList<>(entryProblems.values());
        Set<String> duplicated = crossFileProblems(problems);
        List<VerifiedContract> valid = new ArrayList<>(contracts.size());
        for (Verification v : contracts.values()) {
            if (v.validAt(now)) {
                if (!duplicated.contains(v.path())) {
                    v.verifiedAt(now).ifPresent(valid::add);
                }
            } else {
                problems.addAll(v.problemsAt(now));
            }
        }
        problems.sort(Comparator.comparing(Problem::file));
        return new ScanResult(valid, problems);
    }

    /** Ids and names must be unique across files; every file involved in a clash is invalid. */
    private Set<String> crossFileProblems(List<Problem> problems) {
        Map<String, Object> byId = new HashMap<>(contracts.size() * 2);
        Map<String, Object> byName = new HashMap<>(contracts.size() * 2);
        List<String> clashingIds = new ArrayList<>();
        List<String> clashingNames = new ArrayList<>();
        for (Verification v : contracts.values()) {
            v.contract().ifPresent(c -> {
                ContractBody b = c.getBody();
                if (!b.getId().isEmpty()) {
                    add(byId, b.getId(), v.path(), clashingIds);
                }
                if (!b.getName().isEmpty()) {
                    add(byName, b.getName(), v.path(), clashingNames);
                }
            });
        }
        Set<String> out = new HashSet<>();
        Collections.sort(clashingIds);
        Collections.sort(clashingNames);
        for (String id : clashingIds) {
            flag(paths(byId.get(id)), Rule.DUPLICATE_ID, "id " + id, problems, out);
        }
        for (String name : clashingNames) {
            flag(paths(byName.get(name)), Rule.DUPLICATE_NAME, "name " + name, problems, out);
        }
        return out;
    }

    /** Records a path under a key: a String for one path, a list once a second one clashes (the rare case). */
    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> map, String key, String path, List<String> clashing) {
        Object prev = map.putIfAbsent(key, path);
        if (prev == null) {
            return;
        }
        List<String> list;
        if (prev instanceof String s) {
            list = new ArrayList<>();
            list.add(s);
            map.put(key, list);
            clashing.add(key);
        } else {
            list = (List<String>) prev;
        }
        list.add(path);
    }

    @SuppressWarnings("unchecked")
    private static List<String> paths(Object value) {
        return (List<String>) value;
    }

    /**
     * One problem per clashing file, naming at most {@value #NAMED_OTHERS} of the others and counting the
     * rest: linear in the number of files (naming every other file would make n files cost n² text).
     */
    private static void flag(List<String> paths, Rule rule, String what, List<Problem> problems, Set<String> out) {
        for (String p : paths) {
            StringBuilder others = new StringBuilder();
            int named = 0;
            for (int i = 0; i < paths.size() && named < NAMED_OTHERS; i++) {
                String o = paths.get(i);
                if (!o.equals(p)) {
                    others.append(named++ == 0 ? "" : ", ").append(o);
                }
            }
            int rest = paths.size() - 1 - named;
            if (rest > 0) {
                others.append(" and ").append(rest).append(rest == 1 ? " other file" : " other files");
            }
            problems.add(Problem.of(p, rule, what + " is also used by " + others));
            out.add(p);
        }
    }
}
