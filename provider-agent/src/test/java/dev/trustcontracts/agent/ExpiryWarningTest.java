package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.PrometheusText;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warnings before anything ends, on a real agent over alice's real PKI (TLS, pinned) and a real repository: a
 * contract that ends in 100 days with bob, whose root ends in 200 days. /healthz is healthy, turns degraded when the
 * agent's clock enters the --expiry-warning margin, names what ends and the command that renews it, and is healthy
 * again once the successor contract is merged. The PKI shares the agent's clock, so renewed certificates stay valid
 * on it.
 */
class ExpiryWarningTest {
    @TempDir
    Path tmp;
    final MutableClock clock = new MutableClock();
    /** The instant the test's contract and roots are dated from, in whole seconds. */
    Instant t0;
    PkiZone alice;
    ContractRepo repo;
    Path out;
    KeyPair bobRootKeys;
    X509Certificate bobRoot;
    KeyPair bobSignerKeys;
    X509Certificate bobSigner;

    @BeforeEach
    void start() throws Exception {
        t0 = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice", null, Duration.ofHours(24), clock);
        repo = ContractRepo.create(tmp.resolve("repo"));
        out = tmp.resolve("out");
        bobRootKeys = KeyType.EC_P256.generate();
        bobRoot = CertificateIssuer.selfSignedRoot(new X500Name("CN=bob root,O=bob"), bobRootKeys,
                t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(200)));
        bobSignerKeys = KeyType.EC_P256.generate();
        bobSigner = CertificateIssuer.issue(bobRoot, bobRootKeys.getPrivate(), new X500Name("CN=admin@bob"),
                bobSignerKeys.getPublic(), CertificateProfile.CONTRACT_SIGNER, t0.minus(Duration.ofDays(1)),
                t0.plus(Duration.ofDays(190)), List.of());
    }

    @AfterEach
    void stop() {
        repo.close();
        alice.close();
    }

    /** alice and bob, valid from a day before t0 for {@code days}, signed by both. */
    private Contract contract(String name, int days) throws Exception {
        Contract c = ContractDraft.create(name, List.of(alice.zone(), new ContractDraft.Zone("bob", bobRoot, "")),
                t0.minus(Duration.ofDays(1)), Duration.ofDays(days));
        return ContractSigner.sign(alice.sign(c), bobSignerKeys.getPrivate(), List.of(bobSigner, bobRoot),
                Instant.now().minusSeconds(30));
    }

    private Agent agent() throws Exception {
        return new Agent(AgentConfig.builder(repo.url(), alice.target(), out).channels(PkiPins.pin(alice))
                .interval(Duration.ofMillis(200)).listen(new InetSocketAddress("127.0.0.1", 0)).clock(clock).build());
    }

    private static String fp(X509Certificate c) {
        return Fingerprint.of(c);
    }

    @Test
    void eachMarginNamesExactlyWhatEndsWithinItSoonestFirst() throws Exception {
        repo.put(contract("alice-bob", 101)); // ends at t0 + 100 days
        Instant contractEnd = t0.plus(Duration.ofDays(100));
        Instant aliceRootEnd = alice.root().getNotAfter().toInstant();
        try (Agent a = agent()) {
            a.start();
            Await.until("bob is in chain.pem", () -> a.status().isReady()
                    && Outputs.chain(out).contains(fp(bobRoot)));
            String contractLine = "expiry: contract alice-bob ends at " + contractEnd
                    + " (in 100 days); renew it: trustctl contract renew alice-bob";
            String bobLine = "expiry: peer root bob (sha256 " + fp(bobRoot) + ") ends at " + bobRoot.getNotAfter()
                    .toInstant() + " (in 200 days); its zone must rotate it (trustctl pki rotate start there), then: "
                    + "trustctl contract rotate alice-bob --participant bob=NEXT.pem";
            String aliceLine = "expiry: own root alice (sha256 " + fp(alice.root()) + ") ends at " + aliceRootEnd
                    + " (in " + Duration.between(t0, aliceRootEnd).toDays() + " days); rotate it: trustctl pki rotate "
                    + "start, then a successor contract for each contract (trustctl contract rotate NAME "
                    + "--participant ZONE=NEXT.pem)";
            record Case(Duration margin, List<String> lines) {
            }
            // alice's root issued cert.pem too: it is named once, as an own root
            List<Case> cases = List.of(
                    new Case(Duration.ZERO, List.of()),
                    new Case(Duration.ofDays(30), List.of()),
                    new Case(Duration.ofDays(99), List.of()),
                    new Case(Duration.ofDays(100), List.of(contractLine)),
                    new Case(Duration.ofDays(199), List.of(contractLine)),
                    new Case(Duration.ofDays(250), List.of(contractLine, bobLine)),
                    new Case(Duration.ofDays(5000), List.of(contractLine, bobLine, aliceLine)));
            for (Case c : cases) {
                assertThat(a.status().problems(t0, Duration.ofHours(1), c.margin())).as("margin " + c.margin())
                        .isEqualTo(c.lines());
            }
            assertThat(a.status().roots()).containsExactly(
                    new RootExpiry("alice", fp(alice.root()), true, aliceRootEnd, List.of()),
                    new RootExpiry("bob", fp(bobRoot), false, bobRoot.getNotAfter().toInstant(), List.of("alice-bob")));
            assertThat(a.status().issuingRoot().fingerprint()).isEqualTo(fp(alice.root()));
        }
    }

    @Test
    void healthyThenDegradedInsideTheMarginThenHealthyAfterTheRenewal() throws Exception {
        repo.put(contract("alice-bob", 101)); // ends at t0 + 100 days
        Instant contractEnd = t0.plus(Duration.ofDays(100));
        try (Agent a = agent()) {
            a.start();
            String base = "http://127.0.0.1:" + a.httpAddress().getPort();
            Await.until("bob is in chain.pem", () -> a.status().isReady()
                    && Outputs.chain(out).contains(fp(bobRoot)));
            Await.until("healthy", () -> AgentLoopTest.get(base + "/healthz").statusCode() == 200);
            PrometheusText.Scrape healthy = scrape(base);
            assertThat(healthy.value("trustctl_agent_expiry_warnings", Map.of())).isZero();
            assertThat(healthy.value("trustctl_agent_expiry_warning_margin_seconds", Map.of())).isEqualTo(30 * 86400);
            assertThat(healthy.value("trustctl_agent_root_not_after_timestamp_seconds",
                    Map.of("zone", "bob", "fingerprint", fp(bobRoot), "role", "peer")))
                    .isEqualTo(bobRoot.getNotAfter().toInstant().getEpochSecond());
            assertThat(healthy.value("trustctl_agent_root_not_after_timestamp_seconds",
                    Map.of("zone", "alice", "fingerprint", fp(alice.root()), "role", "own")))
                    .isEqualTo(alice.root().getNotAfter().toInstant().getEpochSecond());
            assertThat(healthy.value("trustctl_agent_certificate_issuer_not_after_timestamp_seconds", Map.of()))
                    .isEqualTo(alice.root().getNotAfter().toInstant().getEpochSecond());
            assertThat(healthy.value("trustctl_agent_contract_effective_expiry_timestamp_seconds",
                    Map.of("contract", "alice-bob"))).isEqualTo(contractEnd.getEpochSecond());

            // 71 days on, the contract ends in under 29 days: inside the default 30-day margin
            clock.advance(Duration.ofDays(71));
            String warning = "expiry: contract alice-bob ends at " + contractEnd
                    + " (in 28 days); renew it: trustctl contract renew alice-bob";
            Await.until("degraded with the contract's warning alone", () -> {
                HttpResponse<String> h = AgentLoopTest.get(base + "/healthz");
                return h.statusCode() == 503
                        && a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ofDays(30))
                                .equals(List.of(warning));
            });
            HttpResponse<String> degraded = AgentLoopTest.get(base + "/healthz");
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(degraded.body()).contains("\"status\" : \"degraded\"", warning);
            assertThat(scrape(base).value("trustctl_agent_expiry_warnings", Map.of())).isEqualTo(1);

            // the renewal: the successor (a new id, a new window, the same participants) is merged, then the
            // predecessor removed; the successor ends with bob's signer, 190 days after t0
            repo.put(contract("alice-bob-renewed", 300));
            repo.delete("alice-bob");
            Await.until("healthy again", () -> AgentLoopTest.get(base + "/healthz").statusCode() == 200);
            PrometheusText.Scrape renewed = scrape(base);
            assertThat(renewed.value("trustctl_agent_expiry_warnings", Map.of())).isZero();
            assertThat(renewed.value("trustctl_agent_contract_effective_expiry_timestamp_seconds",
                    Map.of("contract", "alice-bob-renewed"))).isEqualTo(bobSigner.getNotAfter().toInstant()
                    .getEpochSecond());
            assertThat(renewed.samples()).noneMatch(s -> "alice-bob".equals(s.labels().get("contract")));
        }
    }

    /** A scrape over HTTP, read strictly and held to the table in docs/provider-agent.md. */
    private static PrometheusText.Scrape scrape(String base) throws Exception {
        PrometheusText.Scrape s = PrometheusText.parse(AgentLoopTest.get(base + "/metrics").body());
        PrometheusText.assertDocumented(s,
                PrometheusText.documented(PrometheusText.doc("provider-agent.md"), "Health and metrics"), Set.of());
        return s;
    }
}
