package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustcontracts.core.testing.FuzzSeeds;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the two contract parsers and the verifier behind them (docs/FUZZING.md).
 * Without {@code JAZZER_FUZZ} these run as regression tests over the committed inputs in
 * {@code ContractCodecFuzzTestInputs/<method>/}: the signed seed contracts and every past finding.
 *
 * <p>Invariants, for any bytes: the parser returns a contract or throws {@link ContractFormatException}
 * (nothing else); a parsed contract survives a write and a re-read unchanged; the verifier never throws
 * and reports each problem as one plain line; and a file the verifier calls valid is one of the signed
 * seed contracts: no mutation of bytes produces a different valid contract.
 */
class ContractCodecFuzzTest {
    private static final ContractVerifier VERIFIER = new ContractVerifier();

    @FuzzTest(maxDuration = "30s")
    void yaml(byte[] input) {
        check(input, ContractFormat.YAML);
    }

    @FuzzTest(maxDuration = "30s")
    void protobuf(byte[] input) {
        check(input, ContractFormat.PROTOBUF);
    }

    /** Finding: invalid UTF-8 was reported as "java.io.CharConversionException: Invalid UTF-8 start byte". */
    @Test
    void invalidUtf8IsNamedWithItsPlace() {
        byte[] yaml = "name: a\nid: ?x\n".getBytes(StandardCharsets.UTF_8);
        yaml[12] = (byte) 0x8e; // a continuation byte with no start byte
        assertThatThrownBy(() -> ContractCodec.parse(yaml, ContractFormat.YAML))
                .isInstanceOfSatisfying(ContractFormatException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("not UTF-8 text: byte 0x8e at offset 12");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    /** Finding: SnakeYAML's message (context, quoted source lines, carets) became a multi-line problem. */
    @Test
    void parserMessagesAreOneLine() {
        byte[] yaml = "participants:\n  - name: alice\n    certificate: |\n      x\n     ice\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ContractCodec.parse(yaml, ContractFormat.YAML))
                .isInstanceOfSatisfying(ContractFormatException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("malformed YAML: while parsing a block mapping; "
                            + "expected <block end>, but found '<scalar>'");
                    assertThat(e.line()).isEqualTo(5);
                });
    }

    /** Finding: a contract name with a line break (a YAML multi-line scalar) made a multi-line problem. */
    @Test
    void valuesFromTheFileCannotBreakTheLine() {
        byte[] yaml = "name: \"x\\nremote: accepted\\r\"\n".getBytes(StandardCharsets.UTF_8);
        List<Problem> problems = VERIFIER.verify("x.yaml", yaml).problemsAt(FuzzSeeds.at());
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.toString()).doesNotContain("\n").doesNotContain("\r"));
        assertThat(problems.get(0).toString()).contains("name 'x\\u000aremote: accepted\\u000d' is not a DNS label");
    }

    private static void check(byte[] input, ContractFormat format) {
        Contract parsed;
        try {
            parsed = ContractCodec.parse(input, format);
        } catch (ContractFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.line()).isNotNegative();
            parsed = null;
        }
        if (parsed != null) {
            assertRoundTrip(parsed, format);
        }
        // the file is named after the contract when it can be, so that a seed is valid and mutations start there
        String name = parsed != null && Names.isLabel(parsed.getBody().getName()) ? parsed.getBody().getName() : "x";
        Verification v = VERIFIER.verify(name + (format == ContractFormat.YAML ? ".yaml" : ".pb"), input);
        assertThat(v.contract()).isEqualTo(Optional.ofNullable(parsed));
        assertValidOnlyIfSigned(v);
    }

    /**
     * What we write, we read back as the same message: in both forms, whichever form it came from. The one
     * difference allowed: a .pb without a body reads back from YAML with an empty one (YAML has no way to
     * say "no body"); both have no name, id or participants and verify the same.
     */
    static void assertRoundTrip(Contract read, ContractFormat from) {
        Contract c = read.toBuilder().setBody(read.getBody()).build();
        for (ContractFormat to : ContractFormat.values()) {
            byte[] written = ContractCodec.serialize(read, to);
            try {
                Contract back = ContractCodec.parse(written, to);
                assertThat(back.toBuilder().setBody(back.getBody()).build()).as("read %s, written as %s", from, to)
                        .isEqualTo(c);
            } catch (ContractFormatException e) {
                throw new AssertionError("read as " + from + ", written as " + to + ", not readable again: "
                        + e.getMessage() + " (line " + e.line() + ", field " + e.field() + ")", e);
            }
        }
    }

    /** The verifier's answer: one plain line per problem, and validity only for a signed seed contract. */
    static void assertValidOnlyIfSigned(Verification v) {
        for (Instant at : instants(v)) {
            if (v.validAt(at)) {
                assertThat(FuzzSeeds.signedContracts()).as("valid at %s", at).contains(v.contract().orElseThrow());
            }
            assertThat(v.problemsAt(at)).allSatisfy(p -> {
                assertThat(p.file()).isEqualTo(v.path());
                assertThat(p.message()).isNotBlank().doesNotContain("Exception");
                assertThat(p.toString()).doesNotContain("\n").doesNotContain("\r");
            });
        }
    }

    /** The seeds' instant, and the file's own first and last second when it has a window. */
    private static Instant[] instants(Verification v) {
        return v.contract().filter(c -> c.getBody().hasNotBefore() && c.getBody().hasNotAfter())
                .map(c -> new Instant[] {FuzzSeeds.at(),
                        dev.trustcontracts.core.time.ProtoTime.toInstant(c.getBody().getNotBefore()),
                        dev.trustcontracts.core.time.ProtoTime.toInstant(c.getBody().getNotAfter())})
                .orElse(new Instant[] {FuzzSeeds.at()});
    }
}
