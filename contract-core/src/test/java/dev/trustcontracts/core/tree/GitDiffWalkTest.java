package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real JGit trees, one row per kind of difference: what the walk reports and what it skips. */
class GitDiffWalkTest {
    private final InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("t"));

    /** A file's mode and content: "f:text" a regular file, "x:text" executable, "l:target" a symlink. */
    static Map<String, String> files(String... pathSpec) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < pathSpec.length; i += 2) {
            m.put(pathSpec[i], pathSpec[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> table() {
        Map<String, String> base = files("README.md", "f:r", "contracts/a.yaml", "f:a", "contracts/b.yaml", "f:b",
                "other/c.txt", "f:c");
        return Stream.of(
                Arguments.of("identical trees", base, base, TreeFilter.ALL, List.of()),
                Arguments.of("from the empty tree", null, files("contracts/a.yaml", "f:a", "z", "f:z"), TreeFilter.ALL,
                        List.of("A contracts/a.yaml", "A z")),
                Arguments.of("add, modify, delete", base,
                        files("README.md", "f:r", "contracts/a.yaml", "f:a2", "contracts/d.yaml", "f:d",
                                "other/c.txt", "f:c"), TreeFilter.ALL,
                        List.of("M contracts/a.yaml", "D contracts/b.yaml", "A contracts/d.yaml")),
                Arguments.of("under contracts/ only", base,
                        files("README.md", "f:r2", "contracts/a.yaml", "f:a", "contracts/b.yaml", "f:b2",
                                "other/c.txt", "f:c2"), GitDiffWalk.under("contracts/"),
                        List.of("M contracts/b.yaml")),
                Arguments.of("a directory is not a prefix of a longer name", base,
                        files("README.md", "f:r", "contracts/a.yaml", "f:a", "contracts/b.yaml", "f:b",
                                "contractsX/e.yaml", "f:e", "other/c.txt", "f:c"), GitDiffWalk.under("contracts"),
                        List.of()),
                Arguments.of("mode change alone", base,
                        files("README.md", "f:r", "contracts/a.yaml", "x:a", "contracts/b.yaml", "f:b",
                                "other/c.txt", "f:c"), TreeFilter.ALL,
                        List.of("M contracts/a.yaml 100644->100755")),
                Arguments.of("file becomes a symlink", base,
                        files("README.md", "f:r", "contracts/a.yaml", "l:a", "contracts/b.yaml", "f:b",
                                "other/c.txt", "f:c"), TreeFilter.ALL,
                        List.of("M contracts/a.yaml 100644->120000")),
                Arguments.of("a whole directory deleted", base, files("README.md", "f:r", "other/c.txt", "f:c"),
                        TreeFilter.ALL, List.of("D contracts/a.yaml", "D contracts/b.yaml")),
                Arguments.of("nested paths", files("contracts/x/y/z.yaml", "f:1"),
                        files("contracts/x/y/z.yaml", "f:2"), GitDiffWalk.under("contracts"),
                        List.of("M contracts/x/y/z.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void reportsEachDifferingPathOnce(String name, Map<String, String> before, Map<String, String> after,
            TreeFilter paths, List<String> expected) throws Exception {
        ObjectId oldTree = before == null ? null : tree(before);
        ObjectId newTree = tree(after);
        List<String> seen = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            GitDiffWalk.forEach(reader, oldTree, newTree, paths, c -> seen.add(describe(c)));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void theVisitorStopsTheWalk() throws Exception {
        ObjectId newTree = tree(files("a", "f:1", "b", "f:2", "c", "f:3"));
        List<String> seen = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            GitDiffWalk.walk(reader, null, newTree, TreeFilter.ALL, c -> {
                seen.add(c.path());
                return seen.size() < 2;
            });
        }
        assertThat(seen).containsExactly("a", "b");
    }

    @Test
    void anAbsentSideHasTheMissingModeAndTheZeroId() throws Exception {
        ObjectId oldTree = tree(files("gone", "f:1"));
        ObjectId newTree = tree(files("new", "f:2"));
        List<GitDiffWalk.PathChange> seen = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            GitDiffWalk.forEach(reader, oldTree, newTree, TreeFilter.ALL, seen::add);
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).deleted()).isTrue();
        assertThat(seen.get(0).newId()).isEqualTo(ObjectId.zeroId());
        assertThat(seen.get(1).added()).isTrue();
        assertThat(seen.get(1).oldMode()).isSameAs(FileMode.MISSING);
        assertThat(seen.get(1).oldId()).isEqualTo(ObjectId.zeroId());
    }

    private static String describe(GitDiffWalk.PathChange c) {
        if (c.added()) {
            return "A " + c.path();
        }
        if (c.deleted()) {
            return "D " + c.path();
        }
        return "M " + c.path() + (c.oldMode().equals(c.newMode()) ? "" : " " + c.oldMode() + "->" + c.newMode());
    }

    private ObjectId tree(Map<String, String> files) throws Exception {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            for (Map.Entry<String, String> f : files.entrySet()) {
                DirCacheEntry e = new DirCacheEntry(f.getKey());
                String spec = f.getValue();
                e.setFileMode(switch (spec.charAt(0)) {
                    case 'x' -> FileMode.EXECUTABLE_FILE;
                    case 'l' -> FileMode.SYMLINK;
                    default -> FileMode.REGULAR_FILE;
                });
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, spec.substring(2).getBytes(StandardCharsets.UTF_8)));
                b.add(e);
            }
            b.finish();
            ObjectId id = dc.writeTree(ins);
            ins.flush();
            return id;
        }
    }
}
