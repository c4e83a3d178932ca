package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.testing.TestZone;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Thousands of files with the same id and name: one problem per file, each naming a bounded number of the
 * others, so the text grows linearly (it used to name every other file: n² text, 390 MB for 3,000 files).
 */
class DuplicateScaleTest {
    @Test
    void threeThousandCopiesOfOneContractGiveLinearText() throws Exception {
        int n = 3_000;
        byte[] yaml = ContractCodec.toYaml(TestZone.draft("shared", TestZone.create("a"), TestZone.create("b")))
                .getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        ScanResult r = new TreeScanner(new ContractVerifier(), new ScanLimits(256 * 1024, 100_000, n))
                .scan(pathsOf(n, yaml), TestZone.NOW);
        System.out.printf("%d duplicates scanned and judged in %d ms%n", n, (System.nanoTime() - start) / 1_000_000);
        long ids = r.problems().stream().filter(p -> p.rule() == Rule.DUPLICATE_ID).count();
        assertThat(ids).isEqualTo(n);
        long chars = r.problems().stream().map(Problem::toString).mapToLong(String::length).sum();
        // five problems a file (two duplicates, the name, two missing signatures): linear, where naming every
        // other file took n * n * 20 characters
        assertThat(chars).as("total problem text for %d files", n).isLessThan(n * 1_000L);
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.toString().length()).isLessThan(300));
        assertThat(r.problems()).filteredOn(p -> p.rule() == Rule.DUPLICATE_ID).first()
                .satisfies(p -> assertThat(p.message()).endsWith("and " + (n - 4) + " other files"));
        assertThat(r.valid()).isEmpty();
    }

    /** {@code n} entries holding the same bytes under distinct contract paths. */
    private static TreeSource pathsOf(int n, byte[] content) {
        return consumer -> {
            for (int i = 0; i < n; i++) {
                consumer.accept(new TreeEntry("contracts/c" + i + ".yaml", TreeEntry.Kind.FILE, content.length,
                        "same-blob", () -> content));
            }
        };
    }
}
