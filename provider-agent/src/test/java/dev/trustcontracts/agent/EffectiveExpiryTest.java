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
import dev.trustcontracts.testing.TestZone;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/**
 * A contract holds until its effective expiry, the earliest of not_after and its roots' and signers'
 * notAfter: the agent reports it in /metrics and drops the peer at that instant on its own clock, even
 * though not_after is months away.
 */
class EffectiveExpiryTest extends AgentFixture {

    @Test
    void theAgentReportsAndAppliesTheEffectiveExpiry() throws Exception {
        TestZone bob = TestZone.create("bob");
        Instant now = clock.instant();
        // bob signs with a contract-signing certificate that ends in two hours
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate shortSigner = CertificateIssuer.issue(bob.root, bob.rootKeys.getPrivate(),
                new X500Name("CN=short@bob"), k.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofHours(2)), List.of());
        Contract c = ContractDraft.create("alice-bob", List.of(alice.zone(), bob.zone()), now.minus(Duration.ofDays(1)),
                Duration.ofDays(300));
        c = ContractSigner.sign(alice.sign(c), k.getPrivate(), List.of(shortSigner, bob.root), now.minusSeconds(30));
        repo.put(c);
        Instant expiry = shortSigner.getNotAfter().toInstant();

        AgentConfig cfg = config().interval(Duration.ofMillis(200))
                .listen(new InetSocketAddress("127.0.0.1", 0)).clock(clock).build();
        try (Agent a = new Agent(cfg)) {
            a.start();
            String base = "http://127.0.0.1:" + a.httpAddress().getPort();
            Await.until("bob is in chain.pem", () -> a.status().isReady()
                    && Outputs.chain(out).contains(Fingerprint.of(bob.root)));
            assertThat(a.status().contractExpiries()).containsExactly(java.util.Map.entry("alice-bob", expiry));
            String metrics = AgentLoopTest.get(base + "/metrics").body();
            assertThat(AgentLoopTest.metric(metrics,
                    "trustctl_agent_contract_effective_expiry_timestamp_seconds{contract=\"alice-bob\"}"))
                    .isEqualTo(expiry.getEpochSecond());
            assertThat(AgentLoopTest.metric(metrics, "trustctl_agent_earliest_contract_expiry_timestamp_seconds"))
                    .isEqualTo(expiry.getEpochSecond());

            // the agent's clock passes the signer's end (not_after is months away): bob is dropped, no push needed
            clock.advance(Duration.ofHours(3));
            Await.until("bob left chain.pem", () -> Outputs.chain(out).equals(List.of(Fingerprint.of(alice.root()))));
            Await.until("the gauge is gone", () -> a.status().contractExpiries().isEmpty());
            assertThat(AgentLoopTest.get(base + "/metrics").body())
                    .doesNotContain("trustctl_agent_contract_effective_expiry_timestamp_seconds{");
        }
    }
}
