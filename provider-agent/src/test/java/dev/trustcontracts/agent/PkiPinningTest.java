package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent trusts its PKI only through the pinned zone root, with real TLS handshakes on 127.0.0.1:
 * the right pin (by fingerprint or file) works; a wrong pin, a PKI of another CA (an impostor with the
 * same zone name) and a root that differs from the pin are refused with one clear line and nothing
 * written; plaintext works only when asked for.
 */
class PkiPinningTest {
    @TempDir
    Path tmp;
    PkiZone alice;
    PkiZone mallory;
    ContractRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        // an impostor PKI: its own CA, the same zone name
        mallory = PkiZone.start(tmp.resolve("mallory-ca"), "alice");
        repo = ContractRepo.create(tmp.resolve("repo"));
        repo.put(alice.contractWith("alice-bob", TestZone.create("bob")));
    }

    @AfterEach
    void tearDown() {
        repo.close();
        mallory.close();
        alice.close();
    }

    private CycleResult once(String pkiTarget, ChannelOptions channels, Path out) throws Exception {
        try (Agent a = new Agent(AgentConfig.builder(repo.url(), pkiTarget, out).channels(channels).build())) {
            return a.runOnce();
        }
    }

    @Test
    void theRightPinByFingerprintOrByFileWorks() throws Exception {
        String colons = IntStream.range(0, 32).mapToObj(i -> alice.ca.fingerprint().substring(2 * i, 2 * i + 2))
                .collect(Collectors.joining(":")).toUpperCase(Locale.ROOT);
        CycleResult byFingerprint = once(alice.target(),
                ChannelOptions.builder().pkiFingerprint("sha256:" + colons).build(), tmp.resolve("out1"));
        assertThat(byFingerprint.ok()).as(byFingerprint.message()).isTrue();
        assertThat(Fingerprint.of(Pem.certificate(Files.readString(tmp.resolve("out1/ca.pem")))))
                .isEqualTo(alice.ca.fingerprint());

        CycleResult byFile = once(alice.target(), ChannelOptions.pinned(alice.caFile()), tmp.resolve("out2"));
        assertThat(byFile.ok()).as(byFile.message()).isTrue();
        assertThat(Outputs.cert(tmp.resolve("out2")).getIssuerX500Principal())
                .isEqualTo(alice.ca.certificate().getSubjectX500Principal());
    }

    @Test
    void aWrongPinIsRefusedInTheHandshake() throws Exception {
        Path out = tmp.resolve("out");
        CycleResult r = once(alice.target(),
                ChannelOptions.builder().pkiFingerprint(mallory.ca.fingerprint()).build(), out);

        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isEqualTo(FailureKind.PKI);
        assertThat(r.message()).contains("TLS handshake refused")
                .contains("does not include the pinned zone root sha256:" + mallory.ca.fingerprint())
                .doesNotContain("\n");
        assertThat(out.resolve(OutputLayout.CA)).doesNotExist();
        assertThat(out.resolve(OutputLayout.CERT)).doesNotExist();
    }

    @Test
    void aPkiOfAnotherCaIsRefusedWhetherPinnedByFileOrFingerprint() throws Exception {
        Path out = tmp.resolve("out");
        CycleResult byFile = once(mallory.target(), ChannelOptions.pinned(alice.caFile()), out);
        assertThat(byFile.ok()).isFalse();
        assertThat(byFile.failure()).isEqualTo(FailureKind.PKI);
        assertThat(byFile.message()).contains("TLS handshake refused");

        CycleResult byFingerprint = once(mallory.target(), PkiPins.pin(alice), out);
        assertThat(byFingerprint.ok()).isFalse();
        assertThat(byFingerprint.message()).contains("does not include the pinned zone root sha256:"
                + alice.ca.fingerprint());
        assertThat(out.resolve(OutputLayout.CA)).doesNotExist();
    }

    @Test
    void theGetCaAnswerMustMatchThePinEvenOverPlaintext() throws Exception {
        try (PkiZone plain = PkiZone.startPlaintext(tmp.resolve("plain-ca"), "alice")) {
            Path out = tmp.resolve("out");
            CycleResult r = once(plain.target(), ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint())
                    .pkiPlaintext(true).build(), out);
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).contains("GetCA answer is the root sha256:" + plain.ca.fingerprint())
                    .contains("not the pinned sha256:" + alice.ca.fingerprint());
            assertThat(out.resolve(OutputLayout.CA)).doesNotExist();

            CycleResult right = once(plain.target(), ChannelOptions.builder().pkiFingerprint(plain.ca.fingerprint())
                    .pkiPlaintext(true).build(), tmp.resolve("out-right"));
            assertThat(right.ok()).as(right.message()).isTrue();
        }
    }

    @Test
    void aStoredRootThatDiffersFromThePinIsReplacedByThePinnedOne() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve(OutputLayout.CA), Pem.encode(mallory.ca.certificate()));

        CycleResult r = once(alice.target(), PkiPins.pin(alice), out);

        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(Fingerprint.of(Pem.certificate(Files.readString(out.resolve(OutputLayout.CA)))))
                .isEqualTo(alice.ca.fingerprint());
    }

    @Test
    void plaintextIsRefusedUnlessAskedFor() throws Exception {
        assertThatThrownBy(() -> AgentConfig.builder(repo.url(), alice.target(), tmp.resolve("o")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no pin for the zone's root: give --pki-ca FILE")
                .hasMessageContaining("--pki-fingerprint").hasMessageContaining("--pki-plaintext");
        assertThatThrownBy(() -> ChannelOptions.builder().pkiCa(alice.caFile()).pkiFingerprint(alice.ca.fingerprint())
                .build()).hasMessage("give --pki-ca or --pki-fingerprint, not both");
        assertThatThrownBy(() -> ChannelOptions.builder().pkiFingerprint("abc").build().pkiPin())
                .hasMessageContaining("64 hex digits");

        try (PkiZone plain = PkiZone.startPlaintext(tmp.resolve("plain-ca"), "alice")) {
            // a pinned (TLS) agent does not talk to a plaintext PKI
            CycleResult tls = once(plain.target(), PkiPins.pin(plain), tmp.resolve("out-tls"));
            assertThat(tls.ok()).isFalse();
            assertThat(tls.failure()).isEqualTo(FailureKind.PKI);

            // asked for explicitly: plaintext, trusting the first root (the old behaviour, now opt-in)
            CycleResult asked = once(plain.target(), ChannelOptions.builder().pkiPlaintext(true).build(),
                    tmp.resolve("out-plain"));
            assertThat(asked.ok()).as(asked.message()).isTrue();
        }
        // and a plaintext agent does not reach a TLS PKI
        CycleResult mismatch = once(alice.target(), ChannelOptions.builder().pkiPlaintext(true).build(),
                tmp.resolve("out-mismatch"));
        assertThat(mismatch.ok()).isFalse();
        assertThat(mismatch.failure()).isEqualTo(FailureKind.PKI);
    }
}
