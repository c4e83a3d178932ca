package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.KeyType;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** A CSR is exactly one CERTIFICATE REQUEST block: a second request or junk around it is refused, not skipped. */
class CsrTextTest {
    private final KeyPair keys = KeyType.EC_P256.generate();

    @Test
    void oneRequestBlockIsRead() throws Exception {
        String csr = Csrs.csr(keys, "alice");
        assertThat(CsrReader.read("\n" + csr + "\n\n").commonName()).isEqualTo("alice");
    }

    @Test
    void junkOrASecondRequestIsRefused() {
        String csr = Csrs.csr(keys, "alice");
        String other = Csrs.csr(KeyType.EC_P256.generate(), "mallory");
        assertThatThrownBy(() -> CsrReader.read(csr + other)).isInstanceOfSatisfying(IssuanceException.class,
                e -> assertThat(e.getMessage()).isEqualTo(
                        "unreadable CSR: 2 PEM blocks where exactly one CERTIFICATE REQUEST block belongs"));
        assertThatThrownBy(() -> CsrReader.read(csr + "-----BEGIN X-----x\n" + other))
                .isInstanceOf(IssuanceException.class).hasMessageContaining("malformed PEM block follows");
        assertThatThrownBy(() -> CsrReader.read("note\n" + csr)).isInstanceOf(IssuanceException.class)
                .hasMessageContaining("text before the PEM block");
    }
}
