package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuedLogTest {
    @TempDir
    Path dir;

    private final KeyPair keys = KeyType.EC_P256.generate();

    private Function<BigInteger, X509Certificate> root() {
        Instant now = Instant.now();
        return serial -> CertificateIssuer.selfSignedRoot(new X500Name("CN=t"), keys, now, now.plus(Duration.ofDays(1)),
                serial);
    }

    private static IssuedLog open(Path file, long... serials) throws Exception {
        Deque<BigInteger> draws = new ArrayDeque<>();
        for (long s : serials) {
            draws.add(BigInteger.valueOf(s));
        }
        return IssuedLog.open(file, draws::remove, Clock.systemUTC());
    }

    @Test
    void redrawsASerialItHasAlreadyUsed() throws Exception {
        Path file = dir.resolve("issued.log");
        IssuedLog log = open(file, 5, 5, 5, 7);

        assertThat(log.issue("ROOT_CA", root()).getSerialNumber()).isEqualTo(5);
        assertThat(log.issue("ROOT_CA", root()).getSerialNumber()).isEqualTo(7);

        IssuedLog reopened = open(file, 7, 5, 9);
        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.issue("ROOT_CA", root()).getSerialNumber()).as("5 and 7 are on disk").isEqualTo(9);
    }

    @Test
    void seesWhatAnotherWriterAppended() throws Exception {
        Path file = dir.resolve("issued.log");
        IssuedLog server = open(file, 1, 2);
        IssuedLog cli = open(file, 1, 3);

        server.issue("TLS", root());           // serial 1
        assertThat(cli.issue("TLS", root()).getSerialNumber()).isEqualTo(3); // 1 is taken: read under the lock
        assertThat(server.issue("TLS", root()).getSerialNumber()).isEqualTo(2);
        assertThat(server.contains(BigInteger.valueOf(3))).isTrue();
    }

    @Test
    void recordsOneLinePerCertificate() throws Exception {
        Path file = dir.resolve("issued.log");
        X509Certificate c = IssuedLog.open(file).issue("CONTRACT_SIGNER", root());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).startsWith("#");
        String[] cols = lines.get(1).split("\t");
        assertThat(cols).hasSize(5);
        assertThat(new BigInteger(cols[1], 16)).isEqualTo(c.getSerialNumber());
        assertThat(cols[2]).isEqualTo(c.getNotAfter().toInstant().toString());
        assertThat(cols[3]).isEqualTo("CONTRACT_SIGNER");
        assertThat(cols[4]).isEqualTo("CN=t");
    }

    @Test
    void aLineTornByACrashIsMarkedAndSkipped() throws Exception {
        Path file = dir.resolve("issued.log");
        IssuedLog.open(file).issue("TLS", root());
        Files.writeString(file, "2026-01-01T00:00:00Z\t1f", StandardOpenOption.APPEND);

        IssuedLog log = open(file, 0x1f, 0x20);
        assertThat(log.issue("TLS", root()).getSerialNumber()).isEqualTo(0x20);
        assertThat(Files.readAllLines(file)).hasSize(4).element(2).asString().endsWith("# torn record, ignored");
        assertThat(IssuedLog.open(file).size()).isEqualTo(3);
    }

    @Test
    void aCorruptLineIsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve("issued.log");
        IssuedLog.open(file).issue("TLS", root());
        Files.writeString(file, "garbage\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> IssuedLog.open(file)).isInstanceOf(PkiException.class)
                .hasMessageStartingWith(file + " line 3: ");
    }

    @Test
    void theCertificateMustCarryTheDrawnSerial() throws Exception {
        IssuedLog log = IssuedLog.open(dir.resolve("issued.log"));
        Instant now = Instant.now();
        assertThatThrownBy(() -> log.issue("TLS", serial -> CertificateIssuer.selfSignedRoot(new X500Name("CN=t"), keys,
                now, now.plusSeconds(60)))).isInstanceOf(IllegalStateException.class);
        assertThat(log.size()).isZero();
        assertThat(CertificateProfile.TLS.name()).isEqualTo("TLS");
    }
}
