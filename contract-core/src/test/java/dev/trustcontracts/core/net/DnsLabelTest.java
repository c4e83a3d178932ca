package dev.trustcontracts.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.Names;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

/** The accepted and refused labels of both former copies (contract-core Names, pki DnsNames), one row each. */
class DnsLabelTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "a, true",
            "0, true",
            "alice, true",
            "alice-bob, true",
            "a--b, true",
            "xn--bcher-kva, true",
            "123, true",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk, true",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl, false",
            "'', false",
            "-a, false",
            "a-, false",
            "-, false",
            "Alice, false",
            "a.b, false",
            "a_b, false",
            "a b, false",
            "' a', false",
            "'a ', false",
            "*, false",
            "é, false",
            "'a\tb', false"})
    void acceptsLowercaseLdhLabelsOnly(String label, boolean valid) {
        assertThat(DnsLabel.isValid(label)).isEqualTo(valid);
        assertThat(Names.isLabel(label)).isEqualTo(valid);
    }

    @ParameterizedTest
    @NullSource
    void nullIsNoLabel(String label) {
        assertThat(DnsLabel.isValid(label)).isFalse();
        assertThat(Names.isLabel(label)).isFalse();
    }
}
