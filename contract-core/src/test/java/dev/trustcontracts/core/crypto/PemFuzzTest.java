package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Coverage-guided fuzzing of PEM reading (docs/FUZZING.md): certificate fields of contracts and signature
 * chains, private keys and CSRs all go through {@link Pem}. Regression inputs: {@code PemFuzzTestInputs/pem/}.
 *
 * <p>Invariants, for any text: every reader returns or throws {@link PemException} with a one-line message
 * (nothing else escapes, whatever Bouncy Castle throws inside); {@code certificate} reads nothing
 * that {@code certificates} would not; and what was read is written back and read again as the same certificates.
 */
class PemFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void pem(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<X509Certificate> certs = read(() -> Pem.certificates(text));
        X509Certificate one = read(() -> Pem.certificate(text));
        if (one != null) {
            assertThat(certs).as("what certificate() reads, certificates() reads too").containsExactly(one);
        }
        if (certs != null) {
            assertThat(certs).isNotEmpty();
            assertThat(Pem.certificates(Pem.encode(certs))).as("re-encoded").isEqualTo(certs);
        }
        read(() -> Pem.privateKey(text));
        read(() -> Pem.csr(text));
    }

    /** The reader's value, or null when it refused the text with a clear PemException. */
    private static <T> T read(Reader<T> reader) {
        try {
            return reader.read();
        } catch (PemException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return null;
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read();
    }
}
