package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.output.CanonicalKey;
import dev.trustcontracts.core.crypto.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same key made or parsed by the JDK's provider or by Bouncy Castle (which Apache MINA registers) has
 * different {@code getEncoded()} bytes; key.pem's canonical form must not see the difference.
 */
class CanonicalKeyTest {
    @TempDir
    Path tmp;

    @Test
    void theSameKeyFromEitherProviderHasOneCanonicalForm() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        PrivateKey jdk = g.generateKeyPair().getPrivate();
        // a Bouncy Castle instance that is not registered: this test leaves the JVM's providers alone
        PrivateKey bc = KeyFactory.getInstance("EC", new BouncyCastleProvider())
                .generatePrivate(new PKCS8EncodedKeySpec(jdk.getEncoded()));
        assertThat(Arrays.equals(jdk.getEncoded(), bc.getEncoded())).as("the providers' own encodings differ").isFalse();

        String canonical = CanonicalKey.pem(jdk);
        assertThat(CanonicalKey.pem(bc)).isEqualTo(canonical);
        assertThat(CanonicalKey.der(bc)).isEqualTo(CanonicalKey.der(jdk));
        assertThat(canonical).startsWith("-----BEGIN PRIVATE KEY-----");

        // what key.pem holds reads back to the same canonical form: it is never rewritten
        assertThat(CanonicalKey.pem(Pem.privateKey(canonical))).isEqualTo(canonical);
        assertThat(CanonicalKey.pem(Pem.privateKey(Pem.encode(jdk)))).isEqualTo(canonical);
    }

    @Test
    void opensslReadsTheCanonicalFormWithItsNamedCurveAndPublicKey() throws Exception {
        assumeTrue(CrossZoneTest.opensslAvailable(), "openssl is not installed: skipping the openssl read test");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        Path key = tmp.resolve("key.pem");
        Files.writeString(key, CanonicalKey.pem(g.generateKeyPair().getPrivate()));
        CrossZoneTest.Result r = CrossZoneTest.openssl("pkey", "-in", key.toString(), "-noout", "-text");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("pub:", "prime256v1");
    }
}
