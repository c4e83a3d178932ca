package dev.trustcontracts.reposerver.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.testing.FuzzSeeds;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.TreeScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of push validation (docs/FUZZING.md): the {@link TreeValidator} the server runs
 * on every pushed commit, on a Git tree built from the fuzz input in an in-memory repository, as the next
 * {@code main} and as a proposal, coming from a {@code main} that holds one valid contract.
 *
 * <p>Input: records of an op byte, a path and a content ({@link Input}). Contents can name the signed
 * seed contracts, whole or with one byte changed, so the fuzzer reaches valid, duplicated, renamed and
 * re-encoded contracts cheaply.
 *
 * <p>Invariants: the validator returns a verdict (an {@link IOException} only for an entry whose mode
 * lies about its object's type, which object checking refuses before validation); the verdict derived
 * from main's by the diff is the verdict of a full scan; every contract it calls valid is a signed seed
 * contract, on main and on a proposal alike; and every problem is one plain line naming a file.
 */
class TreeValidatorFuzzTest {
    private static final ContractVerifier VERIFIER = new ContractVerifier();
    /** Small limits, so the over-limit paths (a full rescan, oversized files) are in reach. */
    private static final ScanLimits LIMITS = new ScanLimits(16 * 1024, 6);
    private static final PersonIdent WHO = new PersonIdent("fuzz", "fuzz@trustcontracts.invalid", Instant.EPOCH,
            ZoneOffset.UTC);

    @FuzzTest(maxDuration = "60s")
    void push(byte[] input) throws IOException {
        Input in = Input.decode(input);
        try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("fuzz"));
             ObjectInserter ins = repo.newObjectInserter()) {
            Node mainTree = new Node();
            mainTree.put(List.of("contracts", "alice-bob.yaml"), new Leaf(FileMode.REGULAR_FILE, FuzzSeeds.resource("alice-bob.yaml")));
            ObjectId main = commit(ins, mainTree.write(ins), null);
            ObjectId pushed = commit(ins, in.tree.write(ins), main);
            ins.flush();

            TreeValidator validator = new TreeValidator(repo, new TreeScanner(VERIFIER, LIMITS), LIMITS);
            TreeValidator.Scanned base = validator.scan(main);
            TreeValidator.Verdict asMain;
            TreeValidator.Verdict asProposal;
            ScanResult full;
            try {
                asMain = validator.forMain(base, pushed, FuzzSeeds.at());
                asProposal = validator.forProposal(base, pushed, FuzzSeeds.at());
                full = new TreeValidator(repo, new TreeScanner(VERIFIER, LIMITS), LIMITS).scan(pushed).state()
                        .judge(FuzzSeeds.at());
            } catch (IOException e) {
                assertThat(in.typeMismatch).as("IOException without a mode/type mismatch: %s", e).isTrue();
                return;
            }
            assertThat(sorted(asMain.scan().problems())).as("incremental = full scan").isEqualTo(sorted(full.problems()));
            assertThat(asMain.scan().valid()).as("incremental = full scan").isEqualTo(full.valid());
            assertThat(asProposal.scan()).isEqualTo(asMain.scan());
            for (VerifiedContract v : full.valid()) {
                assertThat(FuzzSeeds.signedContracts()).as("valid: %s", v.path()).contains(v.contract());
            }
            assertThat(full.problems()).allSatisfy(p -> {
                assertThat(p.file()).isNotEmpty(); // Git allows a name of only line breaks: it is shown escaped
                assertThat(p.message()).isNotBlank().doesNotContain("Exception");
                assertThat(p.toString()).doesNotContain("\n").doesNotContain("\r");
            });
            if (asMain.accepted()) {
                assertThat(asMain.blocking()).isEmpty();
            }
        }
    }

    private static List<String> sorted(List<Problem> problems) {
        return problems.stream().map(Problem::toString).sorted().toList();
    }

    private static ObjectId commit(ObjectInserter ins, ObjectId tree, ObjectId parent) throws IOException {
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(tree);
        if (parent != null) {
            c.setParentId(parent);
        }
        c.setAuthor(WHO);
        c.setCommitter(WHO);
        c.setMessage("fuzz\n");
        return ins.insert(c);
    }

    /**
     * A fuzz input as a tree. Records, until the input ends (at most 16): an op byte (low 3 bits the entry
     * kind: 0 file, 1 executable, 2 symlink, 3 submodule, 4 file mode on a tree object, else file; bits 3-4
     * the content: 0 raw, 1 a seed's YAML, 2 a seed's .pb, 3 a seed's YAML with one byte replaced), a
     * length-prefixed path (split at '/'), then the content: raw is a 2-byte length and the bytes; a seed is
     * an index byte, and for 3 a 2-byte offset and the new byte.
     */
    record Input(Node tree, boolean typeMismatch) {
        static final String[] SEEDS = FuzzSeeds.SIGNED.toArray(String[]::new);

        static Input decode(byte[] data) {
            Reader r = new Reader(data);
            Node root = new Node();
            boolean mismatch = false;
            for (int n = 0; n < 16 && r.more(); n++) {
                int op = r.u8();
                String path = new String(r.bytes(r.u8()), StandardCharsets.UTF_8).replace("\0", "");
                byte[] content = switch ((op >> 3) & 3) {
                    case 0 -> r.bytes(r.u16());
                    case 1 -> FuzzSeeds.resource(SEEDS[r.u8() % SEEDS.length] + ".yaml");
                    case 2 -> FuzzSeeds.resource(SEEDS[r.u8() % SEEDS.length] + ".pb");
                    default -> {
                        byte[] s = FuzzSeeds.resource(SEEDS[r.u8() % SEEDS.length] + ".yaml");
                        s[r.u16() % s.length] = (byte) r.u8();
                        yield s;
                    }
                };
                FileMode mode = switch (op & 7) {
                    case 1 -> FileMode.EXECUTABLE_FILE;
                    case 2 -> FileMode.SYMLINK;
                    case 3 -> FileMode.GITLINK;
                    default -> FileMode.REGULAR_FILE;
                };
                List<String> parts = List.of(path.split("/")).stream().filter(s -> !s.isEmpty()).toList();
                if (!parts.isEmpty() && root.put(parts, new Leaf(mode, content, (op & 7) == 4))) {
                    mismatch |= (op & 7) == 4;
                }
            }
            return new Input(root, mismatch);
        }
    }

    /** Reads the input front to back; past its end, zeros. */
    static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean more() {
            return pos < data.length;
        }

        int u8() {
            return pos < data.length ? data[pos++] & 0xff : 0;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        byte[] bytes(int n) {
            int end = Math.min(data.length, pos + n);
            byte[] out = java.util.Arrays.copyOfRange(data, pos, end);
            pos = end;
            return out;
        }
    }

    /** A file-like tree entry; {@code onTree}: its mode says file but it points at a tree object. */
    record Leaf(FileMode mode, byte[] content, boolean onTree) {
        Leaf(FileMode mode, byte[] content) {
            this(mode, content, false);
        }
    }

    /** A directory being built; the first entry at a name wins, as in a tree that lists each name once. */
    static final class Node {
        private final Map<String, Object> entries = new TreeMap<>();

        boolean put(List<String> parts, Leaf leaf) {
            String name = parts.get(0);
            Object there = entries.get(name);
            if (parts.size() == 1) {
                return there == null && entries.put(name, leaf) == null;
            }
            if (there == null) {
                there = new Node();
                entries.put(name, there);
            }
            return there instanceof Node n && n.put(parts.subList(1, parts.size()), leaf);
        }

        /** Writes the tree with its entries in Git's order (a tree's name sorts as if it ended in '/'). */
        ObjectId write(ObjectInserter ins) throws IOException {
            List<Map.Entry<String, Object>> list = new ArrayList<>(entries.entrySet());
            list.sort(Comparator.comparing(e -> sortKey(e.getKey(), e.getValue() instanceof Node), TreeValidatorFuzzTest::compareBytes));
            TreeFormatter f = new TreeFormatter();
            for (Map.Entry<String, Object> e : list) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (e.getValue() instanceof Node n) {
                    f.append(name, FileMode.TREE, n.write(ins));
                } else {
                    Leaf l = (Leaf) e.getValue();
                    // a submodule names a commit of another repository: an id that is not in this one
                    ObjectId id = l.onTree() ? ins.insert(new TreeFormatter())
                            : l.mode() == FileMode.GITLINK ? ins.idFor(Constants.OBJ_BLOB, l.content())
                            : ins.insert(Constants.OBJ_BLOB, l.content());
                    f.append(name, l.mode(), id);
                }
            }
            return ins.insert(f);
        }

        private static byte[] sortKey(String name, boolean tree) {
            return (tree ? name + "/" : name).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    /** Writes the seed inputs: {@code -Dfuzz.writeSeeds=true}. */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true",
            disabledReason = "writes fuzz seed files only when -Dfuzz.writeSeeds=true is given")
    void writeSeeds() throws IOException {
        Path dir = Path.of("src/test/resources", // surefire runs in the module directory
                "dev/trustcontracts/reposerver/index/TreeValidatorFuzzTestInputs/push");
        Files.createDirectories(dir);
        Files.write(dir.resolve("main-unchanged"), seedRecord(1 << 3, "contracts/alice-bob.yaml", 0));
        Files.write(dir.resolve("two-valid-yaml-and-pb"), concat(seedRecord(1 << 3, "contracts/alice-bob.yaml", 0),
                seedRecord(2 << 3, "contracts/carol-dave.pb", 1)));
        Files.write(dir.resolve("same-id-two-files"), concat(seedRecord(1 << 3, "contracts/alice-bob.yaml", 0),
                seedRecord(2 << 3, "contracts/alice-bob.pb", 0)));
        Files.write(dir.resolve("renamed-contract"), seedRecord(1 << 3, "contracts/carol.yaml", 1));
        Files.write(dir.resolve("layout"), concat(raw(0, "README.md", "hello"), raw(0, "contracts/README.md", "notes"),
                raw(2, "contracts/link.yaml", "alice-bob.yaml"), raw(3, "contracts/sub", ""),
                raw(1, "contracts/x/y.yaml", "name: y"), raw(0, "contracts/key.pem", "-----BEGIN PRIVATE KEY-----"),
                raw(0, "contracts/x.YAML", "name: x"), seedRecord(1 << 3, "contracts/alice-bob.yaml", 0)));
        Files.write(dir.resolve("file-mode-on-tree"), raw(4, "contracts/junk.yaml", ""));
        Files.write(dir.resolve("unsigned-draft-and-valid"), concat(raw(0, "contracts/draft.yaml",
                new String(FuzzSeeds.resource("draft.yaml"), StandardCharsets.UTF_8)),
                seedRecord(1 << 3, "contracts/alice-bob.yaml", 0)));
        byte[] flip = seedRecord(3 << 3, "contracts/alice-bob.yaml", 0);
        Files.write(dir.resolve("one-byte-changed"), concat(flip, new byte[] {0x01, 0x00, 'X'}));
        assertThat(dir.resolve("layout")).isNotEmptyFile();
    }

    private static byte[] seedRecord(int op, String path, int seed) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) op, (byte) p.length}, p, new byte[] {(byte) seed});
    }

    private static byte[] raw(int op, String path, String content) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) op, (byte) p.length}, p, new byte[] {(byte) (c.length >> 8), (byte) c.length}, c);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
