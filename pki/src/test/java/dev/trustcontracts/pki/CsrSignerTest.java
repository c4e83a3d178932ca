package dev.trustcontracts.pki;

import static dev.trustcontracts.pki.Csrs.dns;
import static dev.trustcontracts.pki.Csrs.ip;
import static dev.trustcontracts.pki.Csrs.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustcontracts.core.crypto.KeyType;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing rules, without the network. */
class CsrSignerTest {
    @TempDir
    Path dir;

    private ZoneCa ca;
    private CaLayout layout;
    private final KeyPair keys = KeyType.EC_P256.generate();

    @BeforeEach
    void init() {
        layout = new CaLayout(dir);
        ca = CaInit.create(layout, "alice", KeyType.EC_P256, Duration.ofDays(10), Clock.systemUTC());
    }

    private CsrSigner signer(Clock clock, String... extraNames) throws Exception {
        return new CsrSigner(ca, IssuancePolicy.forZone("alice", List.of(extraNames), Duration.ofHours(24), "alice"),
                IssuedLog.open(layout.issuedLog()), clock);
    }

    private CsrSigner signer(String... extraNames) throws Exception {
        return signer(Clock.systemUTC(), extraNames);
    }

    private static IssuanceException refusal(ThrowingRunnable r) {
        IssuanceException e = catchThrowableOfType(IssuanceException.class, r::run);
        assertThat(e).as("should have been refused").isNotNull();
        return e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withoutACnTheFirstNameBecomesTheSubject() throws Exception {
        X509Certificate c = signer("localhost").sign(Csrs.csr(keys, null, uri("spiffe://alice/web"), dns("web.alice"),
                dns("localhost")), Duration.ZERO).certificate();

        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=web.alice");
        assertThat(c.getSubjectAlternativeNames()).hasSize(3);
    }

    @Test
    void anIpAddressCnIsCopiedAsAnIpSan() throws Exception {
        X509Certificate c = signer("127.0.0.1").sign(Csrs.csr(keys, "127.0.0.1"), Duration.ZERO).certificate();

        assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
    }

    @Test
    void namesAreLowercasedAndDuplicatesDropped() throws Exception {
        X509Certificate c = signer().sign(Csrs.csr(keys, "DB.Alice", dns("db.alice"), dns("API.alice")),
                Duration.ZERO).certificate();

        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=db.alice");
        assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(2, "db.alice"), List.of(2, "api.alice"));
    }

    @Test
    void refusesRequestsThatNameNothingOrNotAHost() throws Exception {
        CsrSigner s = signer();
        assertThat(refusal(() -> s.sign(Csrs.csr(keys, null), Duration.ZERO)).getMessage())
                .contains("the CSR names nothing");
        assertThat(refusal(() -> s.sign(Csrs.csr(keys, null, uri("spiffe://alice/web")), Duration.ZERO)).getMessage())
                .contains("a CSR without a CN needs a DNS name or IP address SAN");
        IssuanceException spaces = refusal(() -> s.sign(Csrs.csr(keys, "my service"), Duration.ZERO));
        assertThat(spaces.reason()).isEqualTo(IssuanceException.Reason.FORBIDDEN);
        assertThat(spaces.getMessage()).contains("CN 'my service' is not a DNS name or IP address");
        assertThat(refusal(() -> s.sign(Csrs.csr(keys, "alice", dns("bad_name.alice")), Duration.ZERO)).reason())
                .isEqualTo(IssuanceException.Reason.INVALID);
        assertThat(refusal(() -> s.sign(Csrs.csr(keys, "alice", ip("127.0.0.1")), Duration.ZERO)).reason())
                .isEqualTo(IssuanceException.Reason.FORBIDDEN);
    }

    @Test
    void neverOutlivesTheRoot() throws Exception {
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        Clock late = Clock.fixed(caEnd.minus(Duration.ofHours(2)), ZoneOffset.UTC);
        X509Certificate c = signer(late).sign(Csrs.csr(keys, "alice"), Duration.ZERO).certificate();
        assertThat(c.getNotAfter().toInstant()).isEqualTo(caEnd);

        Clock after = Clock.fixed(caEnd.plusSeconds(1), ZoneOffset.UTC);
        IssuanceException e = refusal(() -> signer(after).sign(Csrs.csr(keys, "alice"), Duration.ZERO));
        assertThat(e.reason()).isEqualTo(IssuanceException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("the zone's root CA expired at");
    }

    @Test
    void acceptsEveryStrongKeyType() throws Exception {
        CsrSigner s = signer();
        for (KeyType t : KeyType.values()) {
            KeyPair k = t.generate();
            assertThat(s.sign(Csrs.csr(k, "alice"), Duration.ZERO).certificate().getPublicKey())
                    .as(t.id()).isEqualTo(k.getPublic());
        }
    }
}
