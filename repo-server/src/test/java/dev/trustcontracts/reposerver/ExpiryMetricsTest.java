package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.PrometheusText;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ends on main, from a real server over HTTP: per-contract effective expiry and per-root notAfter in
 * {@code /metrics} (held to the guide's table), and {@code /api/expiring} soonest first with the command that renews
 * or rotates each. Dave's root (and his signer) end in ten days, so bob-dave ends with a root and is rotated rather
 * than renewed.
 */
class ExpiryMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void eachContractAndRootEndsAsATimestampAndTheSoonestComeFirst() throws Exception {
        Instant now = TestZone.NOW;
        KeyPair rk = KeyType.EC_P256.generate();
        Instant daveEnd = now.plus(Duration.ofDays(10));
        X509Certificate daveRoot = CertificateIssuer.selfSignedRoot(new X500Name("CN=dave root,O=dave"), rk,
                now.minus(Duration.ofDays(2)), daveEnd);
        KeyPair sk = KeyType.EC_P256.generate();
        X509Certificate daveSigner = CertificateIssuer.issue(daveRoot, rk.getPrivate(), new X500Name("CN=admin@dave"),
                sk.getPublic(), CertificateProfile.CONTRACT_SIGNER, now.minus(Duration.ofDays(2)), daveEnd, List.of());
        Contract bobDave = ContractDraft.create("bob-dave", List.of(BOB.zone(), new ContractDraft.Zone("dave", daveRoot,
                "")), now.minus(Duration.ofDays(1)), Duration.ofDays(300));
        bobDave = ContractSigner.sign(BOB.sign(bobDave), sk.getPrivate(), List.of(daveSigner, daveRoot), now);
        Contract aliceBob = TestZone.signed("alice-bob", ALICE, BOB);
        Instant aliceBobEnd = now.plus(Duration.ofDays(364));

        try (Fixture fx = new Fixture(tmp)) {
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            ObjectId c = Fixture.commit(git, main.name(), change().contract("contracts/alice-bob.yaml", aliceBob)
                    .contract("contracts/bob-dave.yaml", bobDave));
            assertThat(Fixture.pushMain(git, c).ok()).isTrue();
            git.close();
            String base = fx.server.httpUrl();

            PrometheusText.Scrape scrape = PrometheusText.parse(Http.get(base + "/metrics").body());
            PrometheusText.assertDocumented(scrape,
                    PrometheusText.documented(PrometheusText.doc("repo-server.md"), "Metrics"), Set.of());
            assertThat(scrape.value("trustctl_server_contract_effective_expiry_timestamp_seconds",
                    Map.of("contract", "alice-bob"))).isEqualTo(aliceBobEnd.getEpochSecond());
            assertThat(scrape.value("trustctl_server_contract_effective_expiry_timestamp_seconds",
                    Map.of("contract", "bob-dave"))).isEqualTo(daveEnd.getEpochSecond());
            assertThat(scrape.value("trustctl_server_earliest_contract_expiry_timestamp_seconds", Map.of()))
                    .isEqualTo(daveEnd.getEpochSecond());
            record Root(String zone, X509Certificate cert) {
            }
            for (Root r : List.of(new Root("alice", ALICE.root), new Root("bob", BOB.root), new Root("dave", daveRoot))) {
                assertThat(scrape.value("trustctl_server_root_not_after_timestamp_seconds",
                        Map.of("zone", r.zone(), "fingerprint", Fingerprint.of(r.cert()))))
                        .as(r.zone()).isEqualTo(r.cert().getNotAfter().toInstant().getEpochSecond());
            }
            assertThat(scrape.samples()).filteredOn(s -> s.name().equals("trustctl_server_root_not_after_timestamp_seconds"))
                    .hasSize(3);

            JsonNode expiring = Http.get(base + "/api/expiring").json();
            assertThat(expiring.get("total").asInt()).isEqualTo(5);
            List<String> lines = new ArrayList<>();
            for (JsonNode e : expiring.get("endings")) {
                lines.add(e.get("kind").asText() + " " + e.get("name").asText() + " " + e.get("endsAt").asText() + " "
                        + e.get("contracts") + ": " + e.get("command").asText());
            }
            String rootsEnd = ALICE.root.getNotAfter().toInstant().toString();
            assertThat(lines).containsExactly(
                    "contract bob-dave " + daveEnd + " [\"bob-dave\"]: trustctl contract rotate bob-dave --participant "
                            + "dave=NEXT.pem (after trustctl pki rotate start in zone dave)",
                    "root dave " + daveEnd + " [\"bob-dave\"]: trustctl pki rotate start (in zone dave), then for each "
                            + "contract: trustctl contract rotate NAME --participant dave=NEXT.pem",
                    "contract alice-bob " + aliceBobEnd + " [\"alice-bob\"]: trustctl contract renew alice-bob",
                    "root alice " + rootsEnd + " [\"alice-bob\"]: trustctl pki rotate start (in zone alice), then for "
                            + "each contract: trustctl contract rotate NAME --participant alice=NEXT.pem",
                    "root bob " + rootsEnd + " [\"alice-bob\",\"bob-dave\"]: trustctl pki rotate start (in zone bob), "
                            + "then for each contract: trustctl contract rotate NAME --participant bob=NEXT.pem");
            JsonNode first = expiring.get("endings").get(0);
            assertThat(first.get("path").asText()).isEqualTo("contracts/bob-dave.yaml");
            assertThat(first.get("fingerprint").isNull()).isTrue();
            assertThat(expiring.get("endings").get(1).get("fingerprint").asText()).isEqualTo(Fingerprint.of(daveRoot));
        }
    }
}
