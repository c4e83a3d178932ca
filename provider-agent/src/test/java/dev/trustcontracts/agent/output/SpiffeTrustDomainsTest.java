package dev.trustcontracts.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.testing.TestZone;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Zone → trust domain: declared names win, the suffix fills in, and nothing ambiguous or invalid is written. */
class SpiffeTrustDomainsTest {
    static X509Certificate aliceRoot;
    static X509Certificate bobRoot;
    static X509Certificate carolRoot;
    final SpiffeTrustDomains domains = new SpiffeTrustDomains("mesh.test");

    @BeforeAll
    static void roots() {
        aliceRoot = TestZone.create("alice").root;
        bobRoot = TestZone.create("bob").root;
        carolRoot = TestZone.create("carol").root;
    }

    private static SpiffeTrustDomains.Zone zone(String name, X509Certificate root, String... declared) {
        return new SpiffeTrustDomains.Zone(name, Set.of(declared), List.of(root));
    }

    @Test
    void aZoneWithoutADeclaredDomainGetsTheSuffixAndADeclaredOneIsKept() {
        SpiffeTrustDomains.Mapped m = domains.map(zone("alice", aliceRoot),
                List.of(zone("bob", bobRoot), zone("carol", carolRoot, "carol.example")));
        assertThat(m.refusals()).isEmpty();
        assertThat(m.domains()).containsOnlyKeys("alice.mesh.test", "bob.mesh.test", "carol.example");
        assertThat(m.domains().get("bob.mesh.test")).containsExactly(bobRoot);
    }

    @Test
    void namesThatDoNotMapCleanlyAreRefusedWithOneLineNeverRewritten() {
        SpiffeTrustDomains.Mapped m = domains.map(zone("alice", aliceRoot), List.of(
                zone("Bob", bobRoot),                                   // upper case: not lowercased
                zone("carol", carolRoot, "../../etc"),                  // a path, not a name
                zone("dave", TestZone.create("dave").root, "bundles"),  // the bundle map's file
                zone("erin", TestZone.create("erin").root, "a.example", "b.example")));
        assertThat(m.domains()).containsOnlyKeys("alice.mesh.test");
        assertThat(m.refusals()).hasSize(4).allSatisfy(r -> assertThat(r).doesNotContain("\n"))
                .anySatisfy(r -> assertThat(r).startsWith("zone Bob: zone name 'Bob'"))
                .anySatisfy(r -> assertThat(r).contains("zone carol: declared trust domain '../../etc'"))
                .anySatisfy(r -> assertThat(r).contains("'bundles' is reserved"))
                .anySatisfy(r -> assertThat(r).contains("zone erin: its contracts declare different trust domains"));
    }

    @Test
    void aPeerClaimingTheOwnDomainOrOneAnotherPeerClaimsIsLeftOut() {
        X509Certificate daveRoot = TestZone.create("dave").root;
        SpiffeTrustDomains.Mapped m = domains.map(zone("alice", aliceRoot, "prod.example"), List.of(
                zone("bob", bobRoot, "prod.example"),      // would let bob's root sign SVIDs of alice's domain
                zone("carol", carolRoot, "shared.example"),
                zone("dave", daveRoot, "shared.example")));
        assertThat(m.domains()).containsOnlyKeys("prod.example");
        assertThat(m.domains().get("prod.example")).containsExactly(aliceRoot);
        assertThat(m.refusals()).containsExactlyInAnyOrder(
                "zone bob: trust domain prod.example is the own zone's; its roots are left out of the SPIFFE bundles",
                "zones carol, dave all map to trust domain shared.example; none of them is written to the SPIFFE "
                        + "bundles");
    }

    @Test
    void withoutTheOwnZonesNameOnlyPeersAreMapped() {
        assertThat(domains.map(null, List.of(zone("bob", bobRoot))).domains()).containsOnlyKeys("bob.mesh.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Mesh.Test", ".mesh", "mesh.", "mesh/test", "mesh test"})
    void aBadSuffixIsRefusedInOneLine(String suffix) {
        assertThatThrownBy(() -> new SpiffeTrustDomains(suffix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--spiffe-trust-domain-suffix '" + suffix + "' is not a SPIFFE trust domain");
    }
}
