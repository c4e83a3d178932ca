package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IssuancePolicyTest {
    private final IssuancePolicy policy = IssuancePolicy.forZone("alice",
            List.of("localhost", "127.0.0.1", "::1", "*.svc.example.org"), Duration.ofHours(24), "");

    @Test
    void defaultsToTheZoneAndOneLabelUnderIt() {
        IssuancePolicy p = IssuancePolicy.forZone("alice");

        assertThat(p.describeNames()).isEqualTo("alice, *.alice");
        assertThat(p.maxLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(p.allowsDns("alice")).isTrue();
        assertThat(p.allowsDns("db.alice")).isTrue();
        assertThat(p.allowsDns("a.b.alice")).as("one label only").isFalse();
        assertThat(p.allowsDns("xalice")).isFalse();
        assertThat(p.allowsDns("bob")).isFalse();
        assertThat(p.allowsDns("localhost")).isFalse();
        assertThat(p.allowsSpiffe(SpiffeId.parse("spiffe://alice/x").orElseThrow())).isFalse();
    }

    @Test
    void aRequestedWildcardNeedsTheSameWildcardPattern() {
        assertThat(policy.allowsDns("*.alice")).isTrue();
        assertThat(policy.allowsDns("*.db.alice")).isFalse();
        assertThat(policy.allowsDns("*.svc.example.org")).isTrue();
        assertThat(policy.allowsDns("*.example.org")).isFalse();
        assertThat(policy.allowsDns("web.svc.example.org")).isTrue();
    }

    @Test
    void extraNamesAddLocalhostAndAddresses() throws Exception {
        assertThat(policy.allowsDns("localhost")).isTrue();
        assertThat(policy.allowsIp(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(policy.allowsIp(InetAddress.getByName("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(policy.allowsIp(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(policy.allowsDns("127.0.0.1")).as("an IP pattern is not a DNS name").isFalse();
        assertThat(IssuancePolicy.forZone("alice", List.of("alice", "ALICE", "*.alice"), Duration.ofHours(1), "")
                .describeNames()).isEqualTo("alice, *.alice");
    }

    @Test
    void capsLifetimes() {
        assertThat(policy.lifetimeFor(Duration.ZERO)).isEqualTo(Duration.ofHours(24));
        assertThat(policy.lifetimeFor(Duration.ofDays(365))).isEqualTo(Duration.ofHours(24));
        assertThat(policy.lifetimeFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> policy.lifetimeFor(Duration.ofSeconds(-1))).hasMessageContaining("negative");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> NamePattern.parse("a..b")).hasMessageContaining("neither a DNS name");
        assertThatThrownBy(() -> NamePattern.parse("*")).hasMessageContaining("neither a DNS name");
        assertThatThrownBy(() -> NamePattern.parse("a.*.b")).hasMessageContaining("neither a DNS name");
        assertThatThrownBy(() -> NamePattern.parse("10.0.0.0/8")).hasMessageContaining("neither a DNS name");
        assertThatThrownBy(() -> NamePattern.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> IssuancePolicy.forZone("alice", List.of(), Duration.ZERO, ""))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> IssuancePolicy.forZone("alice", List.of(), Duration.ofHours(1), "Alice Domain"))
                .hasMessageContaining("is not a SPIFFE trust domain");
    }

    @Test
    void spiffeIdsAreStrict() {
        assertThat(SpiffeId.parse("spiffe://alice.test/ns/db")).hasValue(new SpiffeId("alice.test", "/ns/db"));
        for (String bad : List.of("spiffe://alice.test", "spiffe://alice.test/", "spiffe://Alice/x",
                "spiffe://alice.test:443/x", "spiffe://u@alice.test/x", "spiffe://alice.test/x?q",
                "spiffe://alice.test/x#f", "spiffe://alice.test/../x", "spiffe://alice.test//x", "SPIFFE://alice/x")) {
            assertThat(SpiffeId.parse(bad)).as(bad).isEmpty();
        }
    }
}
