package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.testing.ManyContracts;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/**
 * Builds repo-server data directories holding many valid two-party contracts between a pool of zones
 * (the contracts are {@link ManyContracts}', which the 10,000-contract tests use too).
 */
final class BenchRepos {
    final ManyContracts many;
    final List<TestZone> zones;

    BenchRepos(int zoneCount) {
        many = new ManyContracts(zoneCount);
        zones = many.zones;
    }

    /** The i-th contract: zones paired round-robin so that every zone has many peers. */
    Contract contract(String name, int i) {
        return many.contract(name, i);
    }

    static byte[] yaml(Contract c) {
        return ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8);
    }

    /** Creates DATA/contracts.git (as the server does) and commits {@code count} contracts on main. */
    void populate(Path dataDir, int count) throws IOException {
        populate(many, dataDir, count);
    }

    static void populate(ManyContracts many, Path dataDir, int count) throws IOException {
        try (ContractRepository repo = ContractRepository.openOrCreate(dataDir)) {
            Repository r = repo.git();
            many.commitOnMain(r, count);
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
