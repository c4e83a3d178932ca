package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Interop with a tool no one here wrote: the openssl command line. Skipped when openssl is missing. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenssl() {
        boolean present;
        try {
            present = run(Path.of("."), "openssl", "version").exit == 0;
        } catch (IOException e) {
            present = false;
        }
        assumeTrue(present, "openssl is not on PATH: the openssl interop tests are skipped "
                + "(apt-get install openssl to run them)");
    }

    record Result(int exit, String output) {
    }

    private static Result run(Path cwd, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl did not finish: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), out);
    }

    private Result openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        return run(dir, cmd.toArray(String[]::new));
    }

    private ZoneCa ca(KeyType type) {
        return CaInit.create(new CaLayout(dir.resolve("ca")), "alice", type, Duration.ofDays(30), Clock.systemUTC());
    }

    private CsrSigner signer(ZoneCa ca) throws IOException {
        return new CsrSigner(ca, IssuancePolicy.forZone("alice", List.of("localhost", "127.0.0.1"),
                Duration.ofHours(24), ""), IssuedLog.open(dir.resolve("ca").resolve(CaLayout.ISSUED_LOG)),
                Clock.systemUTC());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslVerifiesLeavesIssuedByThePki(KeyType rootType) throws Exception {
        ZoneCa ca = ca(rootType);
        X509Certificate leaf = signer(ca).sign(Csrs.csr(KeyType.EC_P256.generate(), "web.alice",
                Csrs.dns("localhost"), Csrs.ip("127.0.0.1")), Duration.ZERO).certificate();
        Files.writeString(dir.resolve("leaf.pem"), Pem.encode(leaf));

        for (String purpose : List.of("sslserver", "sslclient")) {
            Result r = openssl("verify", "-x509_strict", "-purpose", purpose, "-CAfile", "ca/ca.pem", "leaf.pem");
            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("leaf.pem: OK");
        }
        Result host = openssl("verify", "-verify_hostname", "web.alice", "-verify_ip", "127.0.0.1",
                "-CAfile", "ca/ca.pem", "leaf.pem");
        assertThat(host.exit).as(host.output).isZero();
        Result wrongHost = openssl("verify", "-verify_hostname", "bob", "-CAfile", "ca/ca.pem", "leaf.pem");
        assertThat(wrongHost.exit).as("a sanity check that openssl checks names").isNotZero();
    }

    @Test
    void signsACsrMadeByOpensslReq() throws Exception {
        ZoneCa ca = ca(KeyType.EC_P256);
        Files.writeString(dir.resolve("req.cnf"), String.join("\n",
                "[req]", "distinguished_name = dn", "prompt = no", "req_extensions = ext",
                "[dn]", "CN = web.alice",
                "[ext]", "subjectAltName = DNS:api.alice, IP:127.0.0.1", ""));
        Result req = openssl("req", "-new", "-config", "req.cnf", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "web-key.pem", "-out", "web.csr");
        assertThat(req.exit).as(req.output).isZero();

        IssuedCertificate issued = signer(ca).sign(Files.readString(dir.resolve("web.csr")), Duration.ofHours(1));
        Files.writeString(dir.resolve("web.pem"), Pem.encode(issued.certificate()));

        Pkix.validate(issued.certificate(), ca.certificate());
        assertThat(issued.certificate().getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                .containsExactly((Object) "web.alice", "api.alice", "127.0.0.1");
        Result verify = openssl("verify", "-purpose", "sslserver", "-CAfile", "ca/ca.pem", "web.pem");
        assertThat(verify.exit).as(verify.output).isZero();
        // the certificate is for the key openssl made
        Result pub = openssl("pkey", "-in", "web-key.pem", "-pubout");
        assertThat(pub.exit).as(pub.output).isZero();
        assertThat(pub.output.replaceAll("\\s", "")).contains(
                java.util.Base64.getEncoder().encodeToString(issued.certificate().getPublicKey().getEncoded()));
    }

    @Test
    void anOpensslMadeNonCaCertificateIsRejectedAsAParticipant() throws Exception {
        ZoneCa ca = ca(KeyType.EC_P256);
        Files.writeString(dir.resolve("leaf.cnf"), String.join("\n",
                "[req]", "distinguished_name = dn", "prompt = no", "x509_extensions = ext",
                "[dn]", "CN = mallory",
                "[ext]", "basicConstraints = critical, CA:FALSE", "keyUsage = critical, digitalSignature", ""));
        Result made = openssl("req", "-x509", "-config", "leaf.cnf", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "mallory-key.pem", "-out", "mallory.pem",
                "-days", "30");
        assertThat(made.exit).as(made.output).isZero();
        X509Certificate mallory = Pem.certificate(Files.readString(dir.resolve("mallory.pem")));

        Credential admin = ContractSignerIssuer.issue(ca, IssuedLog.open(dir.resolve("ca").resolve(CaLayout.ISSUED_LOG)),
                "admin@alice", KeyType.EC_P256, Duration.ofDays(1), Clock.systemUTC());
        Contract c = ContractDraft.create("alice-mallory", List.of(new ContractDraft.Zone("alice", ca.certificate(), ""),
                new ContractDraft.Zone("mallory", mallory, "")), Instant.now().minusSeconds(60), Duration.ofDays(1));
        c = ContractSigner.sign(c, admin.privateKey(), List.of(admin.certificate()), Instant.now());
        c = ContractSigner.sign(c, Pem.privateKey(Files.readString(dir.resolve("mallory-key.pem"))), List.of(mallory),
                Instant.now());

        List<Problem> problems = new ContractVerifier().problems("contracts/alice-mallory.yaml",
                ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8), Instant.now());
        assertThat(problems).filteredOn(p -> p.rule() == Rule.NOT_CA).singleElement().satisfies(p -> {
            assertThat(p.participant()).isEqualTo("mallory");
            assertThat(p.toString()).contains("[not-ca] participant mallory: certificate CN=mallory is not a CA");
        });
        assertThat(problems).noneMatch(p -> "alice".equals(p.participant()));
    }
}
