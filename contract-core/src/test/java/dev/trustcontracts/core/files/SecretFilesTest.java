package dev.trustcontracts.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each mode against both policies; the rows pin what the PKI's and the agent's former copies warned about. */
class SecretFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: agent warns {1}, pki warns {2}")
    @CsvSource({
            "rw-------, false, false",
            "r--------, false, false",
            "---------, false, false",
            "rwx------, false, false",
            "rw-r-----, true, true",
            "rw----r--, true, true",
            "rw-rw-rw-, true, true",
            "rw--w----, false, true",
            "rw-----w-, false, true",
            "rw---x---, false, false",
            "rw------x, false, false"})
    void judgesEachMode(String mode, boolean readableByOthers, boolean pkiWarns) throws Exception {
        Path f = Files.writeString(dir.resolve("secret"), "s\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        assertThat(SecretFiles.readableByOthers(f)).isEqualTo(readableByOthers);
        Optional<String> warning = SecretFiles.looseModeWarning(f);
        assertThat(warning.isPresent()).isEqualTo(pkiWarns);
        warning.ifPresent(w -> assertThat(w).isEqualTo(f + " is accessible to other users (" + mode + "); chmod 600 it"));
    }

    @Test
    void aMissingFileGetsNoWarning() {
        Path f = dir.resolve("absent");
        assertThat(SecretFiles.readableByOthers(f)).isFalse();
        assertThat(SecretFiles.looseModeWarning(f)).isEmpty();
    }
}
