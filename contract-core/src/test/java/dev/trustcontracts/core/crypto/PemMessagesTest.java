package dev.trustcontracts.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertificateException;
import org.junit.jupiter.api.Test;

/** Parser failures reach operators without Java class names (found by the mutation property test). */
class PemMessagesTest {
    @Test
    void certificateConverterFailureIsPlain() {
        // what JcaX509CertificateConverter throws for a DER name that Bouncy Castle's holder still accepted
        CertificateException e = new CertificateException("java.io.IOException: AVA not a sequence");
        assertThat(Pem.plain(e)).isEqualTo("AVA not a sequence");
    }
}
