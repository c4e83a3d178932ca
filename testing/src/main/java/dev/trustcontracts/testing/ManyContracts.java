package dev.trustcontracts.testing;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Many valid, fully signed two-party contracts between a pool of zones, written as files of one commit:
 * the repositories of the benchmarks and of the tests that need thousands of contracts (built in seconds,
 * where pushing them one by one would take minutes). Contract {@code i} is named {@link #name(int)} and
 * pairs zones round-robin, so that every zone has many peers; its window starts and ends a few minutes apart
 * from its neighbours', so that sorting by start or end gives an order other than by name.
 */
public final class ManyContracts {
    public final List<TestZone> zones = new ArrayList<>();

    public ManyContracts(int zoneCount) {
        for (int i = 0; i < zoneCount; i++) {
            zones.add(TestZone.create("zone" + i));
        }
    }

    public static String name(int i) {
        return "c" + i;
    }

    /** The two zones of contract {@code i}. */
    public TestZone[] pair(int i) {
        int n = zones.size();
        TestZone a = zones.get(i % n);
        TestZone b = zones.get((i / n + i + 1) % n);
        if (a == b) {
            b = zones.get((i + 1) % n);
        }
        return new TestZone[] {a, b};
    }

    /** The i-th contract, under the given name. */
    public Contract contract(String name, int i) {
        TestZone[] p = pair(i);
        Contract c = ContractDraft.create(name, List.of(p[0].zone(), p[1].zone()),
                TestZone.NOW.minus(Duration.ofDays(1)).minus(Duration.ofMinutes((i * 37L) % 1440)),
                Duration.ofDays(365).minus(Duration.ofMinutes((i * 101L) % 10_000)));
        return p[1].sign(p[0].sign(c));
    }

    /** Commits contracts {@code 0..count-1} on top of {@code refs/heads/main} and moves it there; returns the commit. */
    public ObjectId commitOnMain(Repository r, int count) throws IOException {
        ObjectId main = r.resolve("refs/heads/main");
        ObjectId commit = commit(r, main, count);
        RefUpdate ru = r.updateRef("refs/heads/main");
        ru.setExpectedOldObjectId(main);
        ru.setNewObjectId(commit);
        RefUpdate.Result res = ru.update();
        if (res != RefUpdate.Result.FAST_FORWARD) {
            throw new IOException("cannot move main: " + res);
        }
        return commit;
    }

    /**
     * Writes contracts {@code 0..count-1} as {@code contracts/NAME.yaml} in one commit on top of
     * {@code parent} (signing on every core) and returns it; no ref is moved.
     */
    public ObjectId commit(Repository r, ObjectId parent, int count) throws IOException {
        byte[][] files = IntStream.range(0, count).parallel()
                .mapToObj(i -> ContractCodec.toYaml(contract(name(i), i)).getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        try (ObjectInserter ins = r.newObjectInserter(); ObjectReader reader = r.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            b.addTree(new byte[0], 0, reader, rw.parseCommit(parent).getTree());
            for (int i = 0; i < count; i++) {
                DirCacheEntry e = new DirCacheEntry("contracts/" + name(i) + ".yaml");
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, files[i]));
                b.add(e);
            }
            b.finish();
            ObjectId tree = dc.writeTree(ins);
            CommitBuilder cb = new CommitBuilder();
            PersonIdent who = new PersonIdent("bench", "bench@localhost");
            cb.setTreeId(tree);
            cb.setParentIds(parent);
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(count + " contracts\n");
            ObjectId commit = ins.insert(cb);
            ins.flush();
            return commit;
        }
    }
}
