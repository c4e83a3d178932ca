package dev.trustcontracts.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trust domain names of both former copies (pki SpiffeId, agent SpiffeTrustDomains), one row each. */
class TrustDomainTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "example.org, true",
            "alice.mesh.example, true",
            "a_b-c.1, true",
            "a, true",
            "trailing., true",
            "'', false",
            "Bob, false",
            ".x, false",
            "., false",
            ".., false",
            "../../etc, false",
            "a/b, false",
            "a b, false",
            "xn--bücher, false",
            "a:8443, false",
    })
    void names(String s, boolean valid) {
        assertThat(TrustDomain.isValid(s)).isEqualTo(valid);
    }

    @Test
    void nullAndOverlongAreNot() {
        assertThat(TrustDomain.isValid(null)).isFalse();
        assertThat(TrustDomain.isValid("a".repeat(255))).isTrue();
        assertThat(TrustDomain.isValid("a".repeat(256))).isFalse();
    }
}
