package dev.trustcontracts.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.SigningPayloads;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.SignedHeartbeat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A heartbeat verifies only with the pinned key, only as a heartbeat, and only inside its certificate's validity. */
class HeartbeatVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String MAIN = "0123456789abcdef0123456789abcdef01234567";
    private static final HeartbeatKey KEY = HeartbeatKey.generate(KeyType.EC_P256, "heartbeat", NOW.minusSeconds(60),
            Duration.ofDays(365));

    private static HeartbeatException refusal(HeartbeatVerifier verifier, byte[] file) {
        try {
            verifier.verify(file);
        } catch (HeartbeatException e) {
            return e;
        }
        throw new AssertionError("counted");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeSignsAndVerifiesWithItsOneAlgorithm(KeyType type) throws Exception {
        HeartbeatKey key = HeartbeatKey.generate(type, "hb", NOW.minusSeconds(60), Duration.ofDays(1));
        Heartbeat h = new Heartbeat(MAIN, NOW, 7);
        byte[] file = key.signer().sign(h);
        assertThat(new HeartbeatVerifier(key.certificate()).verify(file)).isEqualTo(h);
        assertThat(SignedHeartbeat.parseFrom(file).getAlgorithm()).isEqualTo(type.signatureAlgorithm());
    }

    @Test
    void anotherKeysHeartbeatIsRefused() {
        HeartbeatKey other = HeartbeatKey.generate(KeyType.EC_P256, "heartbeat", NOW.minusSeconds(60), Duration.ofDays(1));
        HeartbeatException e = refusal(new HeartbeatVerifier(KEY.certificate()),
                other.signer().sign(new Heartbeat(MAIN, NOW, 1)));
        assertThat(e.reason()).isEqualTo(HeartbeatException.Reason.SIGNATURE);
        assertThat(e.getMessage()).contains("does not verify with the pinned heartbeat key");
    }

    @Test
    void anAlteredStatementOrAlgorithmIsRefused() throws Exception {
        SignedHeartbeat good = SignedHeartbeat.parseFrom(KEY.signer().sign(new Heartbeat(MAIN, NOW, 1)));
        byte[] statement = good.getStatement().toByteArray();
        statement[statement.length - 1] ^= 1; // the sequence
        HeartbeatVerifier v = new HeartbeatVerifier(KEY.certificate());
        assertThat(refusal(v, good.toBuilder().setStatement(ByteString.copyFrom(statement)).build().toByteArray())
                .reason()).isEqualTo(HeartbeatException.Reason.SIGNATURE);
        assertThat(refusal(v, good.toBuilder().setAlgorithm("SHA512withECDSA").build().toByteArray()).reason())
                .isEqualTo(HeartbeatException.Reason.SIGNATURE);
    }

    /** Domain separation both ways: the same key's contract signature is no heartbeat, and the reverse. */
    @Test
    void aContractSignatureByTheHeartbeatKeyIsNotAHeartbeat() throws Exception {
        ContractBody body = ContractBody.newBuilder().setName("alice-bob").setId("id-1").build();
        String alg = KeyType.EC_P256.signatureAlgorithm();
        byte[] payload = SigningPayloads.bytes(body, "alice", alg, Timestamp.newBuilder().setSeconds(1).build(),
                List.of());
        byte[] contractSignature = Signatures.sign(alg, KEY.key(), payload);
        byte[] forged = ContractCodec.deterministicBytes(SignedHeartbeat.newBuilder()
                .setStatement(ByteString.copyFrom(payload)).setAlgorithm(alg)
                .setSignature(ByteString.copyFrom(contractSignature)).build());
        HeartbeatException e = refusal(new HeartbeatVerifier(KEY.certificate()), forged);
        assertThat(e.reason()).isEqualTo(HeartbeatException.Reason.CONTEXT);
        assertThat(e.getMessage()).contains("not a heartbeat statement");

        SignedHeartbeat heartbeat = SignedHeartbeat.parseFrom(KEY.signer().sign(new Heartbeat(MAIN, NOW, 1)));
        assertThat(Signatures.verify(alg, KEY.certificate().getPublicKey(), payload,
                heartbeat.getSignature().toByteArray())).isFalse();
        assertThat(heartbeat.getStatement().toByteArray()).isNotEqualTo(payload);
    }

    @Test
    void garbageAndOversizedFilesAreMalformed() {
        HeartbeatVerifier v = new HeartbeatVerifier(KEY.certificate());
        assertThat(refusal(v, new byte[] {(byte) 0xff, 0x01, 0x02}).reason())
                .isEqualTo(HeartbeatException.Reason.MALFORMED);
        assertThat(refusal(v, new byte[HeartbeatVerifier.MAX_BYTES + 1]).getMessage()).contains("at most");
        assertThat(refusal(v, new byte[0]).reason()).isEqualTo(HeartbeatException.Reason.SIGNATURE);
    }

    @Test
    void aHeartbeatDatedOutsideTheCertificateIsRefused() {
        HeartbeatException e = refusal(new HeartbeatVerifier(KEY.certificate()),
                KEY.signer().sign(new Heartbeat(MAIN, NOW.plus(Duration.ofDays(400)), 1)));
        assertThat(e.reason()).isEqualTo(HeartbeatException.Reason.CERTIFICATE);
        assertThat(e.getMessage()).contains("outside the heartbeat certificate's validity");
    }

    @Test
    void theKeyIsWrittenPrivateAndALooseKeyIsRefused(@TempDir Path dir) throws Exception {
        KEY.writeTo(dir);
        Path key = dir.resolve(HeartbeatKey.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        HeartbeatKey loaded = HeartbeatKey.load(key, dir.resolve(HeartbeatKey.CERT_FILE));
        assertThat(loaded.certificate()).isEqualTo(KEY.certificate());
        assertThatThrownBy(() -> KEY.writeTo(dir)).hasMessageContaining("refusing to overwrite");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> HeartbeatKey.load(key, dir.resolve(HeartbeatKey.CERT_FILE)))
                .hasMessageContaining("readable by its group or by everyone; chmod 600 it");
    }
}
