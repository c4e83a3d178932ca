package dev.trustcontracts.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history rules on commits built object by object, as a crafted push would bring them. */
class HistoryRulesTest {
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;
    static Contract ab;
    static Contract bc;

    @TempDir
    Path dir;
    Repository repo;
    HistoryRules rules = new HistoryRules(new ContractVerifier(), 1 << 20, new HistoryLimits(50, 100));

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        ab = TestZone.signed("ab", alice, bob);
        bc = TestZone.signed("bc", bob, carol);
    }

    @BeforeEach
    void open() throws Exception {
        repo = FileRepositoryBuilder.create(dir.resolve("r.git").toFile());
        repo.create(true);
    }

    @AfterEach
    void close() {
        repo.close();
    }

    // ---- first parent ----

    @Test
    void mainMovesAlongItsFirstParentChainOnly() throws Exception {
        ObjectId root = commit(files(), "root");
        ObjectId a = commit(files("ab", ab), "add ab", root);
        ObjectId revoke = commit(files(), "revoke ab", a);
        assertThat(rules.firstParentProblem(repo, root, revoke)).isEmpty();
        assertThat(rules.firstParentProblem(repo, revoke, revoke)).isEmpty();
        // git checkout -b p <before-revoke>; git merge -s ours main: main is only the second parent
        ObjectId replay = commit(files("ab", ab), "merge -s ours", a, revoke);
        assertThat(rules.firstParentProblem(repo, revoke, replay)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("main may only move to a commit whose first-parent chain contains " + revoke.name()));
        // commit-tree T -p ORPHAN -p main
        ObjectId orphan = commit(files("ab", ab), "orphan");
        ObjectId viaOrphan = commit(files("ab", ab), "merge", orphan, revoke);
        assertThat(rules.firstParentProblem(repo, revoke, viaOrphan)).isPresent();
        // the server's own merges keep main first: allowed
        ObjectId side = commit(files("bc", bc), "side", root);
        ObjectId merge = commit(files("bc", bc), "merge proposal", revoke, side);
        assertThat(rules.firstParentProblem(repo, revoke, merge)).isEmpty();
        // an unknown old commit is not on any chain
        assertThat(rules.firstParentProblem(repo, ObjectId.fromString("0123456789012345678901234567890123456789"), merge))
                .isPresent();
    }

    @Test
    void theFirstParentWalkIsBounded() throws Exception {
        ObjectId root = commit(files(), "root");
        ObjectId c = root;
        for (int i = 0; i < 60; i++) {
            c = commit(files(), "c" + i, c);
        }
        assertThat(rules.firstParentProblem(repo, root, c)).hasValueSatisfying(p -> assertThat(p).contains("within 50"));
    }

    // ---- removals ----

    @Test
    void deletingAValidContractRemovesItsIdReSigningInPlaceDoesNot() throws Exception {
        ObjectId c1 = commit(files("ab", ab, "bc", bc), "two");
        Contract resigned = carol.sign(bob.sign(Contract.newBuilder().setBody(bc.getBody()).build()));
        ObjectId c2 = commit(files("ab", ab, "bc", resigned), "re-sign", c1);
        assertThat(rules.removalsSince(repo, c1, c2)).isEmpty();
        // an edit that breaks the signatures drops the id as a deletion would: otherwise an unsigned edit
        // followed by a deletion (two commits in one push) would revoke bc without retiring its id
        Contract edited = Contract.newBuilder(resigned).setBody(bc.getBody().toBuilder().setNotAfter(com.google.protobuf.Timestamp.newBuilder().setSeconds(bc.getBody().getNotAfter().getSeconds() - 60))).build();
        ObjectId c3 = commit(files("ab", ab, "bc", edited), "edit", c2);
        assertThat(rules.removalsSince(repo, c2, c3)).containsOnlyKeys(id(bc));
        ObjectId c3b = commit(files("ab", ab), "then delete it", c3);
        assertThat(rules.removalsSince(repo, c2, c3b)).as("unsigned edit, then deletion").containsOnlyKeys(id(bc));
        assertThat(rules.removalsFromRoot(repo, c3b)).as("and read from the root").containsOnlyKeys(id(bc));
        ObjectId c4 = commit(files("bc", edited), "revoke ab", c3);
        Map<String, Removal> removed = rules.removalsSince(repo, c3, c4);
        assertThat(removed).containsOnlyKeys(id(ab));
        assertThat(removed.get(id(ab))).satisfies(r -> {
            assertThat(r.commit()).isEqualTo(c4.name());
            assertThat(r.path()).isEqualTo("contracts/ab.yaml");
            assertThat(r.name()).isEqualTo("ab");
        });
        ObjectId back = commit(files("ab", ab, "bc", edited), "replay", c4);
        assertThat(rules.removalsFromRoot(repo, back)).containsOnlyKeys(id(ab), id(bc));
    }

    @Test
    void replacingAFileWithAnotherIdRemovesTheOldId() throws Exception {
        Contract v2 = TestZone.signed("ab", alice, bob);
        ObjectId c1 = commit(files("ab", ab), "v1");
        ObjectId c2 = commit(files("ab", v2), "v2", c1);
        assertThat(rules.removalsSince(repo, c1, c2)).containsOnlyKeys(id(ab));
    }

    /**
     * What {@code contract renew} and a proposal branch make: the successor written over the predecessor's file
     * unsigned, then signed by one and the other in later commits. Merged, the walk retires the predecessor's id
     * once and never the successor's (the unsigned and half-signed versions never carried trust).
     */
    @Test
    void aSuccessorWrittenOverItsPredecessorThenSignedRetiresOnlyThePredecessor() throws Exception {
        Contract successor = ContractDraft.successor(ab.getBody(), List.of(alice.zone(), bob.zone()),
                TestZone.NOW.minus(java.time.Duration.ofHours(1)), java.time.Duration.ofDays(30));
        assertThat(successor.getBody().getName()).isEqualTo("ab");
        assertThat(id(successor)).isNotEqualTo(id(ab));
        assertThat(successor.getSignaturesList()).isEmpty();
        ObjectId c1 = commit(files("ab", ab), "predecessor");
        ObjectId c2 = commit(files("ab", successor), "renew ab", c1);
        ObjectId c3 = commit(files("ab", alice.sign(successor)), "alice signs", c2);
        ObjectId c4 = commit(files("ab", bob.sign(alice.sign(successor))), "bob signs", c3);
        assertThat(rules.removalsSince(repo, c1, c4)).containsOnlyKeys(id(ab));
        assertThat(rules.removalsFromRoot(repo, c4)).containsOnlyKeys(id(ab));
    }

    @Test
    void junkWithAVictimsIdAddedAndDeletedRevokesNothing() throws Exception {
        ObjectId c1 = commit(files("ab", ab), "victim");
        Contract junk = Contract.newBuilder().setBody(ContractBody.newBuilder(ab.getBody()).setName("junk")).build();
        ObjectId c2 = commit(files("ab", ab, "junk", junk), "add junk", c1);
        ObjectId c3 = commit(files("ab", ab), "delete junk", c2);
        assertThat(rules.removalsSince(repo, c1, c3)).isEmpty();
        // also when the victim is not on main yet (a proposal's id poisoned before its merge)
        ObjectId d1 = commit(files("junk", junk), "junk alone");
        ObjectId d2 = commit(files(), "delete junk", d1);
        assertThat(rules.removalsFromRoot(repo, d2)).isEmpty();
        // and when the junk replaces the victim at its own path, the victim's id is not lost silently either
        ObjectId e1 = commit(files("ab", ab), "victim");
        ObjectId e2 = commit(Map.of("contracts/ab.yaml", "not: [a contract".getBytes(StandardCharsets.UTF_8)), "junk", e1);
        assertThat(rules.removalsSince(repo, e1, e2)).containsOnlyKeys(id(ab));
    }

    @Test
    void aValidContractMovedToAnotherPathIsNotRemoved() throws Exception {
        ObjectId c1 = commit(files("ab", ab), "ab");
        Map<String, byte[]> moved = new HashMap<>();
        moved.put("contracts/ab.yml", yaml(ab));
        ObjectId c2 = commit(moved, "rename to .yml", c1);
        assertThat(rules.removalsSince(repo, c1, c2)).isEmpty();
    }

    @Test
    void removalsOnEveryCommitCountNotOnlyFirstParents() throws Exception {
        ObjectId root = commit(files("ab", ab), "root");
        // a side branch deletes the valid ab and brings it back: the merge's first parent never changed it
        ObjectId del = commit(files(), "delete ab", root);
        ObjectId back = commit(files("ab", ab), "bring back", del);
        ObjectId merge = commit(files("ab", ab), "merge", root, back);
        assertThat(rules.firstParentProblem(repo, root, merge)).isEmpty();
        assertThat(rules.removalsSince(repo, root, merge)).containsOnlyKeys(id(ab));
        // a draft (unsigned) deleted on a side branch never carried trust
        Contract draft = TestZone.draft("bc", bob, carol);
        ObjectId withDraft = commit(files("ab", ab, "bc", draft), "draft", root);
        ObjectId dropDraft = commit(files("ab", ab), "drop draft", withDraft);
        ObjectId merge2 = commit(files("ab", ab), "merge2", root, dropDraft);
        assertThat(rules.removalsSince(repo, root, merge2)).isEmpty();
    }

    @Test
    void theRemovalWalkIsBounded() throws Exception {
        ObjectId root = commit(files(), "root");
        ObjectId c = root;
        for (int i = 0; i < 60; i++) {
            c = commit(files(), "c" + i, c);
        }
        ObjectId tip = c;
        assertThatThrownBy(() -> rules.removalsSince(repo, root, tip)).isInstanceOf(HistoryException.class)
                .hasMessageContaining("more than 50 commits");
        assertThat(rules.removalsFromRoot(repo, tip)).isEmpty();
    }

    @Test
    void idsBroughtNamesTheChangedFilesThatParse() throws Exception {
        ObjectId c1 = commit(files("ab", ab), "ab");
        Map<String, byte[]> next = files("ab", ab, "bc", TestZone.draft("bc", bob, carol));
        next.put("contracts/broken.yaml", "{".getBytes(StandardCharsets.UTF_8));
        ObjectId c2 = commit(next, "more", c1);
        assertThat(rules.idsBrought(repo, c1, c2)).containsOnlyKeys("contracts/bc.yaml");
    }

    // ---- helpers ----

    private static String id(Contract c) {
        return c.getBody().getId();
    }

    private static byte[] yaml(Contract c) {
        return ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8);
    }

    /** contracts/NAME.yaml for each (name, contract) pair. */
    private static Map<String, byte[]> files(Object... pairs) {
        Map<String, byte[]> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put("contracts/" + pairs[i] + ".yaml", yaml((Contract) pairs[i + 1]));
        }
        return m;
    }

    private ObjectId commit(Map<String, byte[]> files, String message, ObjectId... parents) throws Exception {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            Map<String, byte[]> all = new java.util.TreeMap<>(files);
            all.put("README.md", "contracts\n".getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> f : all.entrySet()) {
                DirCacheEntry e = new DirCacheEntry(f.getKey());
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue()));
                b.add(e);
            }
            b.finish();
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(dc.writeTree(ins));
            cb.setParentIds(parents);
            PersonIdent who = new PersonIdent("t", "t@example.org");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
