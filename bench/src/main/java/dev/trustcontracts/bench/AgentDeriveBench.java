package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.tree.GitTree;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.ScanState;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.core.tree.TrustBundle;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * What the agent does with a large repository, step by step, on one thread: verify every contract of a
 * commit (cold: the first sync), re-judge the same tree with the verifications cached by blob id (a new
 * commit that changed nothing for most files, or the clock moving on), and derive the zone's chain from
 * the valid contracts.
 *
 * <p>Arguments: {@code [contracts=10000] [zones=200] [rounds=5]}. The repository is generated once and kept
 * under bench/target/bench-repos (generation signs every contract, which takes a while).
 */
final class AgentDeriveBench {
    private AgentDeriveBench() {
    }

    static void run(String[] args) throws Exception {
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int zoneCount = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Path.of("bench/target/bench-repos/derive-" + contracts + "-" + zoneCount + ".git").toAbsolutePath();
        if (!Files.exists(dir.resolve("refs/heads/main"))) {
            AgentBenchSupport.deleteTree(dir);
            generate(dir, contracts, zoneCount);
        }
        try (Repository repo = AgentBenchSupport.openBare(dir)) {
            ObjectId head = repo.exactRef("refs/heads/main").getObjectId();
            String own = ownHash(repo, head);
            Instant now = Instant.now();
            System.out.printf("agent-derive: %d two-party contracts among %d zones, one thread; repository %s%n",
                    contracts, zoneCount, dir);

            TreeScanner scanner = new TreeScanner();
            long t0 = System.nanoTime();
            ScanResult cold = scanner.scan(new GitTree(repo, head, ScanLimits.DEFAULT.maxFileBytes()), now);
            double coldMs = (System.nanoTime() - t0) / 1e6;
            if (cold.valid().size() != contracts) {
                throw new IllegalStateException("only " + cold.valid().size() + " valid: " + cold.problems().get(0));
            }
            List<Double> warm = new ArrayList<>();
            List<Double> derive = new ArrayList<>();
            int peers = 0;
            int chainBytes = 0;
            for (int r = 0; r < rounds; r++) {
                long s = System.nanoTime();
                ScanResult again = scanner.scan(new GitTree(repo, head, ScanLimits.DEFAULT.maxFileBytes()), Instant.now());
                warm.add((System.nanoTime() - s) / 1e6);
                for (int k = 0; k < 4; k++) {
                    long d = System.nanoTime();
                    TrustBundle b = TrustBundle.derive(own, again.valid());
                    String chain = b.chainPem("");
                    derive.add((System.nanoTime() - d) / 1e6);
                    peers = b.peers().size();
                    chainBytes = chain.length();
                }
            }
            // a push of one new contract, as the agent applies it: diff from the last commit, read and verify
            // the one new file, judge the whole tree at now, derive the chain
            List<TestZone> two = AgentBenchSupport.zones(2);
            ScanState base = scanner.state(new GitTree(repo, head, ScanLimits.DEFAULT.maxFileBytes()));
            List<Double> incremental = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                byte[] file = AgentBenchSupport.yaml(TestZone.signed("push" + r, two.get(0), two.get(1)));
                ObjectId next = AgentBenchSupport.commitObject(repo, head, Map.of("push" + r + ".yaml", file), List.of(),
                        "one more");
                long s = System.nanoTime();
                ScanState st = scanner.rescan(base, new GitTree(repo, next, ScanLimits.DEFAULT.maxFileBytes()),
                        GitTree.diff(repo, head, next, ScanLimits.DEFAULT.maxFileBytes()));
                ScanResult judged = st.judge(Instant.now());
                TrustBundle.derive(own, judged.valid()).chainPem("");
                incremental.add((System.nanoTime() - s) / 1e6);
                if (judged.valid().size() != contracts + 1) {
                    throw new IllegalStateException("the pushed contract is not valid: " + judged.problems());
                }
            }
            double[] inc = AgentBenchSupport.sorted(incremental);
            double[] w = AgentBenchSupport.sorted(warm);
            double[] d = AgentBenchSupport.sorted(derive);
            System.out.printf("  cold scan (parse + verify all %d files):        %.0f ms (%.0f contracts/s)%n",
                    contracts, coldMs, contracts / (coldMs / 1000));
            System.out.printf("  warm rescan (verifications cached by blob id): median %.0f ms, min %.0f ms%n",
                    AgentBenchSupport.percentile(w, 50), w[0]);
            System.out.printf("  derive chain for one zone (%d peers, %d KiB PEM): median %.2f ms, max %.2f ms%n",
                    peers, chainBytes / 1024, AgentBenchSupport.percentile(d, 50), d[d.length - 1]);
            System.out.printf("  a push of one contract (diff, verify 1 file, judge all, derive): median %.0f ms, "
                    + "max %.0f ms%n", AgentBenchSupport.percentile(inc, 50), inc[inc.length - 1]);
        }
    }

    private static void generate(Path dir, int contracts, int zoneCount) throws Exception {
        long t0 = System.nanoTime();
        List<TestZone> zones = AgentBenchSupport.zones(zoneCount);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < contracts; i++) {
            TestZone a = zones.get(i % zoneCount);
            TestZone b = zones.get((i * 7 + 1 + i / zoneCount) % zoneCount);
            if (a == b) {
                b = zones.get((i + 1) % zoneCount);
            }
            files.put("c" + i + ".yaml", AgentBenchSupport.yaml(TestZone.signed("c" + i, a, b)));
        }
        Files.createDirectories(dir.getParent());
        try (Repository repo = AgentBenchSupport.createBare(dir)) {
            AgentBenchSupport.commit(repo, files, List.of(), contracts + " contracts");
        }
        System.out.printf("generated %s in %.0f s%n", dir, (System.nanoTime() - t0) / 1e9);
    }

    /** The first participant of contracts/c0.yaml: zone0, the zone whose chain is derived. */
    private static String ownHash(Repository repo, ObjectId head) throws Exception {
        try (RevWalk rw = new RevWalk(repo);
             TreeWalk tw = TreeWalk.forPath(repo, "contracts/c0.yaml", rw.parseCommit(head).getTree())) {
            byte[] bytes = repo.open(tw.getObjectId(0)).getBytes();
            return ContractCodec.parse(bytes, ContractFormat.YAML).getBody().getParticipants(0).getHash();
        }
    }
}
