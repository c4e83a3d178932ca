package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.files.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new zone in one step: the CA as {@code pki init} writes it, and an admin who signs contracts under it. */
class ZoneBootstrapTest {
    @TempDir
    Path dir;

    @Test
    void createsTheCaOnDiskAndAnAdminSignerUnderIt() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("alice"));
        ZoneBootstrap zone = ZoneBootstrap.create(layout, "alice", Duration.ofDays(30), Duration.ofDays(7),
                Clock.systemUTC());

        assertThat(CaLoader.load(layout).certificate()).isEqualTo(zone.ca().certificate());
        assertThat(Files.getPosixFilePermissions(layout.privateKey())).isEqualTo(AtomicFiles.PRIVATE);
        assertThat(zone.admin().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=admin@alice,O=alice");
        assertThat(zone.admin().certificate().getExtendedKeyUsage())
                .containsExactly(CertificateProfile.CONTRACT_SIGNING_EKU.getId());
        zone.admin().certificate().verify(zone.ca().certificate().getPublicKey());
        assertThat(zone.log().contains(zone.admin().certificate().getSerialNumber())).isTrue();
        assertThat(Duration.between(zone.admin().certificate().getNotBefore().toInstant(),
                zone.admin().certificate().getNotAfter().toInstant())).isEqualTo(Duration.ofDays(7).plus(CsrSigner.BACKDATE));
    }

    @Test
    void refusesADirectoryThatHoldsACa() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("alice"));
        ZoneBootstrap.create(layout, "alice", Duration.ofDays(30), Duration.ofDays(7), Clock.systemUTC());

        assertThatThrownBy(() -> ZoneBootstrap.create(layout, "alice", Duration.ofDays(30), Duration.ofDays(7),
                Clock.systemUTC())).isInstanceOf(PkiException.class).hasMessageContaining("refusing to overwrite it");
    }
}
