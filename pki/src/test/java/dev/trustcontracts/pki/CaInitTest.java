package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.files.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CaInitTest {
    @TempDir
    Path dir;

    private ZoneCa init(Path caDir, String zone) {
        return CaInit.create(new CaLayout(caDir), zone, KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
    }

    @Test
    void writesTheRootAndAPrivateKeyFile() throws Exception {
        Path caDir = dir.resolve("alice");
        ZoneCa ca = init(caDir, "alice");

        CaLayout layout = new CaLayout(caDir);
        assertThat(layout.certificate()).isRegularFile();
        assertThat(layout.privateKey()).isRegularFile();
        assertThat(Files.getPosixFilePermissions(layout.privateKey())).isEqualTo(AtomicFiles.PRIVATE);
        assertThat(Files.getPosixFilePermissions(caDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        X500Name subject = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        assertThat(subject.toString()).matches("O=alice,SERIALNUMBER=[0-9a-f]{32},CN=alice root CA");
        assertThat(Duration.between(ca.certificate().getNotBefore().toInstant(), ca.certificate().getNotAfter().toInstant()))
                .isEqualTo(CaInit.DEFAULT_VALIDITY.plus(CsrSigner.BACKDATE));
        assertThat(layout.issuedLog()).content().contains(ca.certificate().getSerialNumber().toString(16) + "\t");

        ZoneCa loaded = CaLoader.load(layout);
        assertThat(loaded.zone()).isEqualTo("alice");
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(ca.privateKey().getEncoded());
        assertThat(CaLoader.keyModeWarning(layout)).isEmpty();
    }

    @Test
    void refusesToOverwriteAnExistingCa() throws Exception {
        Path caDir = dir.resolve("alice");
        init(caDir, "alice");
        byte[] key = Files.readAllBytes(caDir.resolve(CaLayout.PRIVATE_KEY));

        assertThatThrownBy(() -> init(caDir, "alice"))
                .isInstanceOf(PkiException.class)
                .hasMessage(caDir.resolve("ca.pem") + " already exists: " + caDir
                        + " holds a CA; refusing to overwrite it (use another --dir)");
        assertThat(caDir.resolve(CaLayout.PRIVATE_KEY)).hasBinaryContent(key);

        Files.delete(caDir.resolve(CaLayout.CERTIFICATE)); // a key alone is also a CA not to be clobbered
        assertThatThrownBy(() -> init(caDir, "alice")).hasMessageContaining("ca-key.pem already exists");
    }

    @Test
    void saysSoWhenTheDirectoryIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> init(file, "alice")).isInstanceOf(PkiException.class)
                .hasMessage(file + " exists and is not a directory");
    }

    @Test
    void twoZonesWithTheSameNameNeverShareASubject() {
        ZoneCa a = init(dir.resolve("a"), "alice");
        ZoneCa b = init(dir.resolve("b"), "alice");

        assertThat(a.certificate().getSubjectX500Principal()).isNotEqualTo(b.certificate().getSubjectX500Principal());
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeMakesALoadableRoot(KeyType type) {
        CaLayout layout = new CaLayout(dir.resolve(type.id()));
        CaInit.create(layout, "zone-" + type.id(), type, Duration.ofDays(30), Clock.systemUTC());

        assertThat(KeyTypes.of(CaLoader.load(layout).certificate())).isEqualTo(type);
    }

    @Test
    void refusesBadZoneNames() {
        for (String bad : new String[] {"", "Alice", "alice_1", "-alice", "alice.", "a".repeat(57), "al ice"}) {
            assertThatThrownBy(() -> init(dir.resolve("x"), bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a lowercase DNS name");
        }
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(init(dir.resolve("y"), "prod.example.com").zone()).isEqualTo("prod.example.com");
    }

    @Test
    void loaderSaysWhatIsWrong() throws Exception {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> CaLoader.load(new CaLayout(missing)))
                .hasMessage("no CA directory at " + missing + " (create one with: trustctl pki init --dir "
                        + missing + " --name ZONE)");

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> CaLoader.load(new CaLayout(empty)))
                .hasMessage(empty.resolve("ca.pem") + " is missing: " + empty + " is not a complete CA directory");

        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        init(a, "alice");
        init(b, "bob");
        Files.copy(b.resolve(CaLayout.PRIVATE_KEY), a.resolve(CaLayout.PRIVATE_KEY),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CaLoader.load(new CaLayout(a)))
                .hasMessageStartingWith(a.resolve("ca-key.pem") + " is not the key of " + a.resolve("ca.pem"));

        Files.delete(b.resolve(CaLayout.PRIVATE_KEY));
        assertThatThrownBy(() -> CaLoader.load(new CaLayout(b)))
                .hasMessage(b.resolve("ca-key.pem") + " is missing: " + b + " is not a complete CA directory");

        Files.writeString(b.resolve(CaLayout.CERTIFICATE), "-----BEGIN CERTIFICATE-----\nnot base64!\n");
        assertThatThrownBy(() -> CaLoader.load(new CaLayout(b)))
                .isInstanceOf(PkiException.class)
                .hasMessageStartingWith(b.resolve("ca.pem") + ": ");
    }

    @Test
    void loaderRefusesALeafAsTheRoot() throws Exception {
        Path a = dir.resolve("a");
        ZoneCa ca = init(a, "alice");
        Credential admin = ContractSignerIssuer.issue(ca, IssuedLog.open(new CaLayout(a).issuedLog()), "admin@alice",
                KeyType.EC_P256, Duration.ofDays(1), Clock.systemUTC());
        Path leafDir = dir.resolve("leaf");
        admin.writeTo(leafDir.resolve(CaLayout.PRIVATE_KEY), leafDir.resolve(CaLayout.CERTIFICATE));

        assertThatThrownBy(() -> CaLoader.load(new CaLayout(leafDir)))
                .hasMessage(leafDir.resolve("ca.pem") + " is not a CA certificate (basicConstraints cA and "
                        + "keyCertSign are required)");
    }

    @Test
    void warnsAboutAKeyOthersCanRead() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("a"));
        init(layout.dir(), "alice");
        Files.setPosixFilePermissions(layout.privateKey(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(CaLoader.keyModeWarning(layout)).hasValueSatisfying(w -> assertThat(w).contains("chmod 600"));
    }

    /** KeyType.of without the checked exception, for assertions. */
    static final class KeyTypes {
        static KeyType of(java.security.cert.X509Certificate c) {
            try {
                return KeyType.of(c.getPublicKey());
            } catch (dev.trustcontracts.core.crypto.WeakKeyException e) {
                throw new AssertionError(e);
            }
        }
    }
}
