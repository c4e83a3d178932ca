package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The remote: output of one push stays small, whatever the number and length of its lines. */
class PushReportTest {
    @Test
    void showsTheFirstProblemsThenACountAndAlwaysTheErrorLines() {
        List<String> out = new ArrayList<>();
        PushReport r = new PushReport(out::add);
        for (int i = 0; i < 10_000; i++) {
            r.line("contracts/c" + i + ".yaml: [duplicate-id] id x is also used by ...");
        }
        r.line("error: main: the resulting main is not valid: 10000 problems (duplicate-id)");
        r.finish();
        assertThat(out).hasSize(PushReport.MAX_PROBLEMS + 2);
        assertThat(out.get(PushReport.MAX_PROBLEMS)).startsWith("error: main:");
        assertThat(out.get(PushReport.MAX_PROBLEMS + 1))
                .isEqualTo("... and 9950 more problems (the first 50 are shown)");
        assertThat(r.problemsHidden()).isEqualTo(9_950);
    }

    @Test
    void cutsLongLinesAndTheWholeAnswer() {
        List<String> out = new ArrayList<>();
        PushReport r = new PushReport(out::add);
        r.line("contracts/a.yaml: " + "x".repeat(1_000_000));
        assertThat(out.get(0)).hasSize(PushReport.MAX_LINE_CHARS + 4).endsWith(" ...");
        for (int i = 0; i < 100_000; i++) {
            r.line("error: ref" + i + ": " + "y".repeat(300)); // error lines are not counted as problems
        }
        r.finish();
        long bytes = out.stream().mapToLong(l -> l.length() + 9).sum();
        assertThat(bytes).isLessThanOrEqualTo(PushReport.MAX_BYTES + 100);
        assertThat(out.get(out.size() - 1)).isEqualTo("... output cut at 48 KiB");
    }

    @Test
    void aFewLinesPassUnchanged() {
        List<String> out = new ArrayList<>();
        PushReport r = new PushReport(out::add);
        r.line("contracts/a.yaml: [signature-missing] participant bob: has not signed");
        r.line("error: main: the resulting main is not valid: 1 problem (signature-missing)");
        r.finish();
        assertThat(out).containsExactly("contracts/a.yaml: [signature-missing] participant bob: has not signed",
                "error: main: the resulting main is not valid: 1 problem (signature-missing)");
    }
}
