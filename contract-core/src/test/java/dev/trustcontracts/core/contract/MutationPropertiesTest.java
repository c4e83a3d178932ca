package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random edits of a valid, signed YAML contract: the verifier answers with its own problems and never
 * throws; and when an edited file is still valid, it is the same contract (an edit that only changed
 * formatting). No edit can produce a different valid contract.
 *
 * <p>Each case is one named seed of {@link Random}: a failure names its seed and its edits, and
 * {@code -Dtest='MutationPropertiesTest#editsYieldProblemsOrTheSameContract'} replays the same sequence.
 * The coverage-guided counterpart is {@code ContractCodecFuzzTest}.
 */
class MutationPropertiesTest {
    /** 500 seeds (the property test this replaces ran 400 random tries); a fixed base so every run checks the same edits. */
    static final long FIRST_SEED = 0x7c0_0000L;
    static final int CASES = 500;

    private static final String TEXT_CHARS = "abcXYZ019:-_ #'\"|>&*![]{},\t\n";
    private static final List<String> TOKENS = List.of("0", "a", "\n", " ", ": x", "- ", "~", "null", "!!binary ",
            "&a ", "*a");

    private static String original;
    private static Contract contract;
    private static final ContractVerifier VERIFIER = new ContractVerifier();

    @BeforeAll
    static void sign() {
        contract = TestZone.signed("alice-bob", TestZone.create("alice"), TestZone.create("bob"));
        original = ContractCodec.toYaml(contract);
    }

    /** One edit: kind, position (as a fraction of the text), and a replacement text. */
    record Edit(int kind, double at, String text) {
        String apply(String s) {
            int pos = (int) (at * s.length());
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            int line = (int) (at * lines.size());
            switch (kind) {
                case 0 -> { return s.substring(0, pos) + s.substring(Math.min(s.length(), pos + 1)); }
                case 1 -> { return s.substring(0, pos) + text + s.substring(pos); }
                case 2 -> { return s.substring(0, pos) + text + s.substring(Math.min(s.length(), pos + text.length())); }
                case 3 -> { lines.remove(Math.min(line, lines.size() - 1)); return String.join("\n", lines); }
                case 4 -> { lines.add(line, lines.get(Math.min(line, lines.size() - 1))); return String.join("\n", lines); }
                default -> {
                    int other = (line * 7 + 3) % lines.size();
                    String tmp = lines.get(Math.min(line, lines.size() - 1));
                    lines.set(Math.min(line, lines.size() - 1), lines.get(other));
                    lines.set(other, tmp);
                    return String.join("\n", lines);
                }
            }
        }
    }

    /** One to three edits drawn from {@code seed}: the same seed always gives the same edits. */
    static List<Edit> edits(long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(3);
        List<Edit> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Edit(r.nextInt(6), r.nextInt(9990) / 10_000.0, text(r)));
        }
        return out;
    }

    private static String text(Random r) {
        if (r.nextBoolean()) {
            return TOKENS.get(r.nextInt(TOKENS.size()));
        }
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(6);
        for (int i = 0; i < len; i++) {
            sb.append(TEXT_CHARS.charAt(r.nextInt(TEXT_CHARS.length())));
        }
        return sb.toString();
    }

    static LongStream seeds() {
        return LongStream.range(FIRST_SEED, FIRST_SEED + CASES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void editsYieldProblemsOrTheSameContract(long seed) {
        List<Edit> edits = edits(seed);
        String s = original;
        for (Edit e : edits) {
            s = e.apply(s);
        }
        String replay = "seed " + seed + ", edits " + edits;
        Verification v = VERIFIER.verify("contracts/alice-bob.yaml", s.getBytes(StandardCharsets.UTF_8));
        List<Problem> problems = v.problemsAt(TestZone.NOW);
        if (problems.isEmpty()) {
            assertThat(v.contract()).as(replay).contains(contract);
        } else {
            assertThat(problems).as(replay).allSatisfy(p -> {
                assertThat(p.file()).isEqualTo("contracts/alice-bob.yaml");
                assertThat(p.message()).isNotBlank().doesNotContain("Exception");
            });
        }
    }
}
