package dev.trustcontracts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal seen half-way: the agent renames key.pem first, then cert.pem. A handshake in between must still
 * present a certificate with its own key (the old pair), then the new pair once both files are there.
 */
class ReloadingKeyManagerTest {
    @TempDir
    Path dir;

    private final KeyPair caKeys = KeyType.EC_P256.generate();
    private final X509Certificate ca = CertificateIssuer.selfSignedRoot(new X500Name("CN=test root"), caKeys,
            Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));

    private X509Certificate leaf(KeyPair keys) {
        return CertificateIssuer.issue(ca, caKeys.getPrivate(), new X500Name("CN=svc"), keys.getPublic(),
                CertificateProfile.TLS, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)),
                List.of());
    }

    @Test
    void aNewKeyBesideTheOldCertificateKeepsTheOldPairUntilTheCertificateFollows() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        KeyPair oldKeys = KeyType.EC_P256.generate();
        X509Certificate oldLeaf = leaf(oldKeys);
        Files.writeString(cert, Pem.encode(oldLeaf));
        Files.writeString(key, Pem.encode(oldKeys.getPrivate()));
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key);
        String alias = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(km.getCertificateChain(alias)[0]).isEqualTo(oldLeaf);

        // the key is renewed, the certificate not yet: the old pair stays
        KeyPair newKeys = KeyType.EC_P256.generate();
        X509Certificate newLeaf = leaf(newKeys);
        Files.writeString(key, Pem.encode(newKeys.getPrivate()));
        Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(5)));
        alias = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(km.getCertificateChain(alias)[0]).isEqualTo(oldLeaf);
        assertThat(km.getPrivateKey(alias).getEncoded()).isEqualTo(oldKeys.getPrivate().getEncoded());

        // the certificate follows: the new pair is taken at the next handshake
        Files.writeString(cert, Pem.encode(newLeaf));
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(6)));
        alias = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(km.getCertificateChain(alias)[0]).isEqualTo(newLeaf);
        assertThat(km.getPrivateKey(alias).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
    }

    /** JSSE asks for the alias, the chain and the key in three calls: a renewal between them must not mix pairs. */
    @Test
    void oneHandshakeGetsTheChainAndTheKeyOfTheSamePairWhileANewerOneIsLoaded() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        KeyPair oldKeys = KeyType.EC_P256.generate();
        X509Certificate oldLeaf = leaf(oldKeys);
        Files.writeString(cert, Pem.encode(oldLeaf));
        Files.writeString(key, Pem.encode(oldKeys.getPrivate()));
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key);
        String first = km.chooseServerAlias("EC", null, null);

        KeyPair newKeys = KeyType.EC_P256.generate();
        X509Certificate newLeaf = leaf(newKeys);
        Files.writeString(key, Pem.encode(newKeys.getPrivate()));
        Files.writeString(cert, Pem.encode(newLeaf));
        Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(5)));
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        // a second handshake starts and loads the new pair
        String second = km.chooseServerAlias("EC", null, null);
        assertThat(km.getCertificateChain(second)[0]).isEqualTo(newLeaf);
        assertThat(km.getPrivateKey(second).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
        // the first one still gets its own pair
        assertThat(km.getCertificateChain(first)[0]).isEqualTo(oldLeaf);
        assertThat(km.getPrivateKey(first).getEncoded()).isEqualTo(oldKeys.getPrivate().getEncoded());
        assertThat(km.getPrivateKey("identity")).as("an alias this manager did not hand out").isNull();
    }
}
