package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Validation time of a push that adds one contract to main, in repositories of 100, 1,000 and 10,000
 * contracts: the repo-server's own path ({@link TreeValidator#forMain}, as its pre-receive hook calls it,
 * from the scan state of main that a running server holds). The time covers the diff walk, reading and
 * verifying the new file, and judging the whole tree (rules across files, every time bound).
 *
 * <p>Arguments: {@code [sizes=100,1000,10000] [pushes=30]}.
 */
final class PushValidationBench {
    private PushValidationBench() {
    }

    static void run(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "100,1000,10000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        BenchRepos repos = new BenchRepos(40);
        System.out.printf("push-validation: one new contract per push, %d pushes per size, warm cache%n", pushes);
        System.out.printf("%8s %12s %10s %10s %10s %10s%n", "contracts", "first scan", "median", "p90", "max", "valid");
        for (int size : sizes) {
            Path dir = Files.createTempDirectory("bench-push");
            repos.populate(dir, size);
            try (ContractRepository repo = ContractRepository.openOrCreate(dir)) {
                Repository r = repo.git();
                ScanLimits limits = ScanLimits.DEFAULT;
                TreeValidator v = new TreeValidator(r, new TreeScanner(new ContractVerifier(), limits), limits);
                ObjectId main = repo.main();
                long t0 = System.nanoTime();
                TreeValidator.Scanned base = v.scan(main);
                int valid = base.state().judge(Instant.now()).valid().size();
                double first = (System.nanoTime() - t0) / 1e6;
                if (valid != size) {
                    throw new IllegalStateException(valid + " of " + size + " valid");
                }
                long[] took = new long[pushes];
                for (int i = 0; i < pushes + 5; i++) {
                    ObjectId next = addOne(r, main, "new" + i, BenchRepos.yaml(repos.contract("new" + i, i + 7)));
                    long s = System.nanoTime();
                    TreeValidator.Verdict verdict = v.forMain(base, next, Instant.now());
                    long ns = System.nanoTime() - s;
                    if (!verdict.accepted()) {
                        throw new IllegalStateException("rejected: " + verdict.blocking());
                    }
                    if (i >= 5) {
                        took[i - 5] = ns; // the first five warm up the JIT
                    }
                }
                Arrays.sort(took);
                System.out.printf("%8d %10.0f ms %7.1f ms %7.1f ms %7.1f ms %10d%n", size, first,
                        BenchRepos.percentile(took, 50), BenchRepos.percentile(took, 90),
                        took[took.length - 1] / 1e6, valid);
            } finally {
                deleteTree(dir);
            }
        }
    }

    /** A commit on top of {@code parent} that adds one contract file. */
    static ObjectId addOne(Repository r, ObjectId parent, String name, byte[] content) throws Exception {
        try (ObjectInserter ins = r.newObjectInserter(); ObjectReader reader = r.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            DirCache dc = DirCache.newInCore();
            var b = dc.builder();
            b.addTree(new byte[0], 0, reader, rw.parseCommit(parent).getTree());
            b.finish();
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, content);
            DirCacheEditor e = dc.editor();
            e.add(new DirCacheEditor.PathEdit("contracts/" + name + ".yaml") {
                @Override
                public void apply(DirCacheEntry ent) {
                    ent.setFileMode(FileMode.REGULAR_FILE);
                    ent.setObjectId(blob);
                }
            });
            e.finish();
            CommitBuilder cb = new CommitBuilder();
            PersonIdent who = new PersonIdent("bench", "bench@localhost");
            cb.setTreeId(dc.writeTree(ins));
            cb.setParentIds(parent);
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("add " + name + "\n");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
