package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random edits of a valid, signed YAML contract: the verifier answers with its own problems and never
 * throws; and when an edited file is still valid, it is the same contract (an edit that only changed
 * formatting). No edit can produce a different valid contract.
 */
class MutationPropertiesTest {
    private static String original;
    private static Contract contract;
    private static final ContractVerifier VERIFIER = new ContractVerifier();

    @BeforeContainer
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

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ019:-_ #'\"|>&*![]{},\t\n").ofMinLength(1).ofMaxLength(6),
                Arbitraries.of("0", "a", "\n", " ", ": x", "- ", "~", "null", "!!binary ", "&a ", "*a"));
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.doubles().between(0, 0.999).ofScale(4), text).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(tries = 400)
    void editsYieldProblemsOrTheSameContract(@ForAll("edits") List<Edit> edits) {
        String s = original;
        for (Edit e : edits) {
            s = e.apply(s);
        }
        Verification v = VERIFIER.verify("contracts/alice-bob.yaml", s.getBytes(StandardCharsets.UTF_8));
        List<Problem> problems = v.problemsAt(TestZone.NOW);
        if (problems.isEmpty()) {
            assertThat(v.contract()).contains(contract);
        } else {
            assertThat(problems).allSatisfy(p -> {
                assertThat(p.file()).isEqualTo("contracts/alice-bob.yaml");
                assertThat(p.message()).isNotBlank().doesNotContain("Exception");
            });
        }
    }
}
