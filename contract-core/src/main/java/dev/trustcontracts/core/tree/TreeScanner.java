package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.Verification;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.proto.v1.ContractBody;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a tree into its set of valid contracts and the list of problems: layout, limits, every file's
 * own rules, and the rules across files (unique ids and names). Verifications are cached by content id
 * and path, so rescanning a tree where one blob changed re-verifies one file; the time-dependent rules
 * are re-judged on every scan.
 */
public final class TreeScanner {
    private static final int CACHE_SIZE = 200_000;

    private final ContractVerifier verifier;
    private final ScanLimits limits;
    private final Map<String, Verification> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Verification> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    public TreeScanner(ContractVerifier verifier, ScanLimits limits) {
        this.verifier = verifier;
        this.limits = limits;
    }

    public TreeScanner() {
        this(new ContractVerifier(), ScanLimits.DEFAULT);
    }

    public ScanResult scan(TreeSource tree, Instant now) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Map<String, Verification> verified = new TreeMap<>();
        int[] contractFiles = {0};
        tree.forEach(e -> {
            switch (e.kind()) {
                case SYMLINK -> problems.add(Problem.of(e.path(), Rule.SYMLINK, "symbolic links are not allowed"));
                case SUBMODULE -> problems.add(Problem.of(e.path(), Rule.SUBMODULE, "submodules are not allowed"));
                case FILE -> {
                    if (!RepositoryLayout.isUnderContracts(e.path()) || RepositoryLayout.isAllowedExtra(e.path())) {
                        return;
                    }
                    if (!RepositoryLayout.isContractPath(e.path())) {
                        problems.add(Problem.of(e.path(), Rule.UNEXPECTED_FILE, "only contracts/<name>.yaml, .yml "
                                + "or .pb files may be under contracts/ (name: a DNS label)"));
                        return;
                    }
                    if (++contractFiles[0] > limits.maxContractFiles()) {
                        if (contractFiles[0] == limits.maxContractFiles() + 1) {
                            problems.add(Problem.of(e.path(), Rule.TOO_MANY_FILES, "more than "
                                    + limits.maxContractFiles() + " contract files; the rest are not read"));
                        }
                        return;
                    }
                    if (e.size() > limits.maxFileBytes()) {
                        problems.add(Problem.of(e.path(), Rule.FILE_TOO_LARGE, e.size() + " bytes (at most "
                                + limits.maxFileBytes() + ")"));
                        return;
                    }
                    verified.put(e.path(), verify(e));
                }
                default -> throw new AssertionError(e.kind());
            }
        });
        Set<String> duplicated = crossFileProblems(verified, problems);
        List<VerifiedContract> valid = new ArrayList<>();
        for (Verification v : verified.values()) {
            List<Problem> own = v.problemsAt(now);
            problems.addAll(own);
            if (own.isEmpty() && !duplicated.contains(v.path())) {
                v.verifiedAt(now).ifPresent(valid::add);
            }
        }
        problems.sort(Comparator.comparing(Problem::file));
        return new ScanResult(valid, problems);
    }

    private Verification verify(TreeEntry e) throws IOException {
        if (e.contentId() == null) {
            return verifier.verify(e.path(), e.content().read());
        }
        String key = e.contentId() + ' ' + e.path();
        Verification v = cache.get(key);
        if (v == null) {
            v = verifier.verify(e.path(), e.content().read());
            cache.put(key, v);
        }
        return v;
    }

    /** Ids and names must be unique across files; every file involved in a clash is invalid. */
    private static Set<String> crossFileProblems(Map<String, Verification> verified, List<Problem> problems) {
        Map<String, List<String>> byId = new TreeMap<>();
        Map<String, List<String>> byName = new TreeMap<>();
        for (Verification v : verified.values()) {
            v.contract().ifPresent(c -> {
                ContractBody b = c.getBody();
                if (!b.getId().isEmpty()) {
                    byId.computeIfAbsent(b.getId(), k -> new ArrayList<>()).add(v.path());
                }
                if (!b.getName().isEmpty()) {
                    byName.computeIfAbsent(b.getName(), k -> new ArrayList<>()).add(v.path());
                }
            });
        }
        Set<String> out = new HashSet<>();
        byId.forEach((id, paths) -> flag(paths, Rule.DUPLICATE_ID, "id " + id, problems, out));
        byName.forEach((name, paths) -> flag(paths, Rule.DUPLICATE_NAME, "name " + name, problems, out));
        return out;
    }

    private static void flag(List<String> paths, Rule rule, String what, List<Problem> problems, Set<String> out) {
        if (paths.size() < 2) {
            return;
        }
        for (String p : paths) {
            List<String> others = paths.stream().filter(o -> !o.equals(p)).toList();
            problems.add(Problem.of(p, rule, what + " is also used by " + String.join(", ", others)));
            out.add(p);
        }
    }
}
