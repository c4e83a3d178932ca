package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admins sign contracts with a certificate from their PKI, never with a TLS certificate from it. */
class ContractSignerIssuerTest {
    @TempDir
    Path dir;

    private ZoneCa ca;
    private IssuedLog log;
    private final TestZone bob = TestZone.create("bob");

    @BeforeEach
    void init() throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("ca"));
        ca = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
        log = IssuedLog.open(layout.issuedLog());
    }

    private Contract draft() {
        return ContractDraft.create("alice-bob", List.of(new ContractDraft.Zone("alice", ca.certificate(), ""),
                bob.zone()), Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
    }

    private static List<Problem> verify(Contract c) {
        return new ContractVerifier().problems("contracts/alice-bob.yaml",
                ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    @Test
    void theAdminCertificateSignsAContractThatVerifies() throws Exception {
        Credential admin = ContractSignerIssuer.issue(ca, log, "admin@alice", KeyType.EC_P256,
                ContractSignerIssuer.DEFAULT_VALIDITY, Clock.systemUTC());

        assertThat(admin.certificate().getExtendedKeyUsage())
                .containsExactly(CertificateProfile.CONTRACT_SIGNING_EKU.getId());
        assertThat(admin.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=admin@alice,O=alice");
        assertThat(log.contains(admin.certificate().getSerialNumber())).isTrue();

        Contract c = ContractSigner.sign(draft(), admin.privateKey(), List.of(admin.certificate(), ca.certificate()),
                Instant.now());
        c = bob.sign(c);
        assertThat(verify(c)).isEmpty();
    }

    @Test
    void aTlsCertificateFromTheSamePkiCannotSignContracts() throws Exception {
        KeyPair keys = KeyType.EC_P256.generate();
        CsrSigner csrs = new CsrSigner(ca, IssuancePolicy.forZone("alice"), log, Clock.systemUTC());
        X509Certificate tls = csrs.sign(Csrs.csr(keys, "web.alice"), Duration.ZERO).certificate();

        Contract c = bob.sign(ContractSigner.sign(draft(), keys.getPrivate(), List.of(tls, ca.certificate()),
                Instant.now()));
        assertThat(verify(c)).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNER_CHAIN);
            assertThat(p.participant()).isEqualTo("alice");
            assertThat(p.message()).contains("lacks the contract-signing extended key usage");
        });
    }

    @Test
    void writesTheKeyPrivateAndNeverOverwrites() throws Exception {
        Credential admin = ContractSignerIssuer.issue(ca, log, "admin@alice", KeyType.ED25519, Duration.ofDays(30),
                Clock.systemUTC());
        Path key = dir.resolve("admin-key.pem");
        Path cert = dir.resolve("admin.pem");
        admin.writeTo(key, cert);

        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(AtomicFiles.PRIVATE);
        assertThat(Pem.certificate(Files.readString(cert))).isEqualTo(admin.certificate());
        assertThat(Pem.privateKey(Files.readString(key)).getEncoded()).isEqualTo(admin.privateKey().getEncoded());
        assertThatThrownBy(() -> admin.writeTo(key, dir.resolve("other.pem")))
                .hasMessage(key + " already exists; refusing to overwrite it");
        assertThat(dir.resolve("other.pem")).doesNotExist();
    }

    @Test
    void neverOutlivesTheRootAndRefusesOddNames() {
        Credential admin = ContractSignerIssuer.issue(ca, log, "admin@alice", KeyType.EC_P256, Duration.ofDays(100_000),
                Clock.systemUTC());
        assertThat(admin.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());

        for (String bad : List.of("", "admin alice", "CN=x,O=y", "a\nb", "x".repeat(65))) {
            assertThatThrownBy(() -> ContractSignerIssuer.issue(ca, log, bad, KeyType.EC_P256, Duration.ofDays(1),
                    Clock.systemUTC())).as(bad).hasMessageContaining("must be 1 to 64 letters");
        }
    }
}
