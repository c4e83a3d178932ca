package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

/** Builds repo-server data directories holding many valid two-party contracts between a pool of zones. */
final class BenchRepos {
    final List<TestZone> zones = new ArrayList<>();

    BenchRepos(int zoneCount) {
        for (int i = 0; i < zoneCount; i++) {
            zones.add(TestZone.create("zone" + i));
        }
    }

    /** The i-th contract: zones paired round-robin so that every zone has many peers. */
    Contract contract(String name, int i) {
        int n = zones.size();
        TestZone a = zones.get(i % n);
        TestZone b = zones.get((i / n + i + 1) % n);
        if (a == b) {
            b = zones.get((i + 1) % n);
        }
        return TestZone.signed(name, a, b);
    }

    static byte[] yaml(Contract c) {
        return ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8);
    }

    /** Creates DATA/contracts.git (as the server does) and commits {@code count} contracts on main. */
    void populate(Path dataDir, int count) throws IOException {
        try (ContractRepository repo = ContractRepository.openOrCreate(dataDir)) {
            Repository r = repo.git();
            ObjectId main = repo.main();
            ObjectId commit;
            try (ObjectInserter ins = r.newObjectInserter(); ObjectReader reader = r.newObjectReader();
                 RevWalk rw = new RevWalk(reader)) {
                DirCache dc = DirCache.newInCore();
                DirCacheBuilder b = dc.builder();
                b.addTree(new byte[0], 0, reader, rw.parseCommit(main).getTree());
                for (int i = 0; i < count; i++) {
                    String name = "c" + i;
                    DirCacheEntry e = new DirCacheEntry("contracts/" + name + ".yaml");
                    e.setFileMode(FileMode.REGULAR_FILE);
                    e.setObjectId(ins.insert(Constants.OBJ_BLOB, yaml(contract(name, i))));
                    b.add(e);
                }
                b.finish();
                ObjectId tree = dc.writeTree(ins);
                CommitBuilder cb = new CommitBuilder();
                PersonIdent who = new PersonIdent("bench", "bench@localhost");
                cb.setTreeId(tree);
                cb.setParentIds(main);
                cb.setAuthor(who);
                cb.setCommitter(who);
                cb.setMessage(count + " contracts\n");
                commit = ins.insert(cb);
                ins.flush();
            }
            RefUpdate ru = r.updateRef(ContractRepository.MAIN);
            ru.setExpectedOldObjectId(main);
            ru.setNewObjectId(commit);
            RefUpdate.Result res = ru.update();
            if (res != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("cannot move main: " + res);
            }
            // a served repository holds packs (pushes arrive as packs, auto-gc packs the rest), not loose objects
            try {
                new org.eclipse.jgit.internal.storage.file.GC((org.eclipse.jgit.internal.storage.file.FileRepository) r)
                        .gc().get();
            } catch (java.text.ParseException | org.eclipse.jgit.api.errors.GitAPIException | InterruptedException
                    | java.util.concurrent.ExecutionException e) {
                throw new IOException("gc failed", e);
            }
        }
    }

    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }
}
