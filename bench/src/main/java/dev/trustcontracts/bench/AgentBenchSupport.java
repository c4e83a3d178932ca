package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * What the agent benchmarks share: the link settings for a real zone PKI ({@link PkiZone}), signed contracts, a bare
 * repository written fast.
 */
final class AgentBenchSupport {
    private AgentBenchSupport() {
    }

    /** The agent's link settings for a zone: its PKI pinned by the root's fingerprint (it serves TLS). */
    static ChannelOptions pin(PkiZone pki) {
        return ChannelOptions.builder().pkiFingerprint(pki.ca.fingerprint()).build();
    }

    static List<TestZone> zones(int n) {
        List<TestZone> zones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            zones.add(TestZone.create("zone" + i));
        }
        return zones;
    }

    static byte[] yaml(Contract c) {
        return ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A bare repository at {@code bare} with {@code contracts} signed contracts between 20 test zones, one in five
     * of them with the agent's zone (alice, {@code pki}): the agent benches' common repository.
     */
    static Path agentRepository(PkiZone pki, int contracts, Path bare) throws Exception {
        List<TestZone> zones = zones(20);
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < contracts; i++) {
            TestZone a = zones.get(i % zones.size());
            TestZone b = zones.get((i / zones.size() + i + 1) % zones.size());
            if (a == b) {
                b = zones.get((i + 1) % zones.size());
            }
            files.put("c" + i + ".yaml", yaml(i % 5 == 0
                    ? pki.contractWith("c" + i, zones.get(i / 5 % zones.size())) : TestZone.signed("c" + i, a, b)));
        }
        try (Repository repo = createBare(bare)) {
            commit(repo, files, List.of(), "contracts");
        }
        return bare;
    }

    static Repository createBare(Path dir) throws IOException {
        Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        r.create(true);
        r.updateRef(Constants.HEAD).link("refs/heads/main");
        return r;
    }

    static Repository openBare(Path dir) throws IOException {
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }

    /**
     * A new commit on main with the given contract files added or replaced ({@code contracts/NAME}) and
     * removed, written straight into the repository: what a push leaves behind once it is accepted.
     */
    static ObjectId commit(Repository repo, Map<String, byte[]> put, Collection<String> delete, String message)
            throws IOException {
        Ref main = repo.exactRef("refs/heads/main");
        ObjectId commit = commitObject(repo, main == null ? null : main.getObjectId(), put, delete, message);
        RefUpdate u = repo.updateRef("refs/heads/main");
        u.setExpectedOldObjectId(main == null ? ObjectId.zeroId() : main.getObjectId());
        u.setNewObjectId(commit);
        RefUpdate.Result r = u.update();
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
            throw new IOException("cannot move main: " + r);
        }
        return commit;
    }

    /** The commit object alone, on top of {@code parent} (null: none); no ref moves. */
    static ObjectId commitObject(Repository repo, ObjectId parent, Map<String, byte[]> put, Collection<String> delete,
            String message) throws IOException {
        TreeMap<String, ObjectId> files = new TreeMap<>();
        ObjectId readme;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            readme = ins.insert(Constants.OBJ_BLOB, "Contracts for benchmarks.\n".getBytes(StandardCharsets.UTF_8));
            if (parent != null) {
                try (RevWalk rw = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
                    tw.addTree(rw.parseCommit(parent).getTree());
                    tw.setRecursive(true);
                    while (tw.next()) {
                        String p = tw.getPathString();
                        if (p.startsWith("contracts/")) {
                            files.put(p.substring("contracts/".length()), tw.getObjectId(0));
                        }
                    }
                }
            }
            delete.forEach(files::remove);
            for (Map.Entry<String, byte[]> e : put.entrySet()) {
                files.put(e.getKey(), ins.insert(Constants.OBJ_BLOB, e.getValue()));
            }
            if (files.isEmpty()) {
                files.put(".gitkeep", ins.insert(Constants.OBJ_BLOB, new byte[0]));
            }
            TreeFormatter contracts = new TreeFormatter();
            files.forEach((name, id) -> contracts.append(name, FileMode.REGULAR_FILE, id));
            ObjectId contractsTree = ins.insert(contracts);
            TreeFormatter root = new TreeFormatter();
            root.append("README.md", FileMode.REGULAR_FILE, readme);
            root.append("contracts", FileMode.TREE, contractsTree);
            ObjectId tree = ins.insert(root);
            CommitBuilder cb = new CommitBuilder();
            PersonIdent who = new PersonIdent("bench", "bench@example.org");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            cb.setTreeId(tree);
            if (parent != null) {
                cb.setParentId(parent);
            }
            ObjectId commit = ins.insert(cb);
            ins.flush();
            return commit;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** C git's daemon serving {@code base} on a free loopback port; null when git is missing. */
    static Process gitDaemon(Path base, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                "--port=" + port, "--base-path=" + base, base.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("git daemon did not start");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
