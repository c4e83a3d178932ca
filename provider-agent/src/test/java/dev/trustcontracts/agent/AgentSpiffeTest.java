package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SPIFFE bundles of a real agent (alice's PKI on a real port, the contracts in a real Git repository), cycle by
 * cycle: a contract landing on main adds the peer's trust domain, its removal (a revocation) takes the file away,
 * and every bundle is checked as a consumer would (nimbus's JWKSet, each x5c the contract's root by fingerprint)
 * and against chain.pem, which it must never contradict.
 */
class AgentSpiffeTest extends AgentFixture {
    private static final String SUFFIX = "mesh.test";
    static TestZone bob;
    static TestZone carol;

    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    private Agent agent(String suffix) throws Exception {
        return new Agent(config().interval(Duration.ofSeconds(20)).clock(clock).spiffeTrustDomainSuffix(suffix).build());
    }

    private Path spiffe(String trustDomain) {
        return out.resolve(OutputLayout.spiffeDomain(trustDomain));
    }

    /** The trust domains with a bundle file, from the directory listing. */
    private List<String> domainFiles() throws Exception {
        Path dir = files().spiffeDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("bundles.json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        }
    }

    /**
     * A consumer's read of one bundle: a JWK set whose every key is an x509-svid key carrying exactly one certificate;
     * returns the certificates' fingerprints, and the bundle's sequence.
     */
    private record Read(List<String> fingerprints, long sequence, long refreshHint) {
    }

    private static Read read(Map<String, Object> json) throws Exception {
        JWKSet set = JWKSet.parse(json);
        List<String> fps = new ArrayList<>();
        for (JWK k : set.getKeys()) {
            assertThat(k.getKeyUse().getValue()).isEqualTo("x509-svid");
            assertThat(k.getX509CertChain()).hasSize(1);
            X509Certificate c = X509CertUtils.parse(k.getX509CertChain().get(0).decode());
            assertThat(c).as("x5c parses as a certificate").isNotNull();
            assertThat(k.toPublicJWK().toJSONObject()).containsEntry("kty", k.getKeyType().getValue());
            fps.add(Fingerprint.of(c));
        }
        return new Read(fps, (Long) json.get("spiffe_sequence"), (Long) json.get("spiffe_refresh_hint"));
    }

    private Read read(String trustDomain) throws Exception {
        return read(JSONObjectUtils.parse(Files.readString(spiffe(trustDomain))));
    }

    /** The bundle map, trust domain → what a consumer reads. */
    private Map<String, Read> map() throws Exception {
        Map<String, Object> top = JSONObjectUtils.parse(Files.readString(out.resolve(OutputLayout.SPIFFE_BUNDLE_MAP)));
        Map<String, Read> m = new TreeMap<>();
        for (Map.Entry<String, Object> e : JSONObjectUtils.getJSONObject(top, "trust_domains").entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> bundle = (Map<String, Object>) e.getValue();
            m.put(e.getKey(), read(bundle));
        }
        return m;
    }

    /** The participants' fingerprints as the contract lists them: what every x5c must match. */
    private static String listed(Contract c, String zone) {
        return c.getBody().getParticipantsList().stream().filter(p -> p.getName().equals(zone))
                .map(Participant::getHash).findFirst().orElseThrow();
    }

    /** Every root in the SPIFFE files is in chain.pem and the other way round: the two never disagree. */
    private void assertAgreesWithChain() throws Exception {
        TreeSet<String> inSpiffe = new TreeSet<>();
        for (String td : domainFiles()) {
            inSpiffe.addAll(read(td).fingerprints());
        }
        assertThat(inSpiffe).containsExactlyInAnyOrderElementsOf(Outputs.chain(out));
        Map<String, Read> map = map();
        assertThat(map.keySet()).containsExactlyElementsOf(domainFiles());
        for (String td : domainFiles()) {
            assertThat(map.get(td)).isEqualTo(read(td));
        }
    }

    /** A contract between alice and carol in which carol declares her SPIFFE trust domain. */
    private Contract aliceCarolDeclaring(String carolsDomain) {
        Contract c = ContractDraft.create("alice-carol", List.of(alice.zone(),
                new ContractDraft.Zone("carol", carol.root, carolsDomain)), Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(30));
        return carol.sign(alice.sign(c));
    }

    @Test
    void aMergedContractAddsThePeersBundleAndItsRevocationRemovesIt() throws Exception {
        try (Agent a = agent(SUFFIX)) {
            // no contract names alice yet: no domain, an empty map
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(domainFiles()).isEmpty();
            assertThat(map()).isEmpty();

            Contract ab = alice.contractWith("alice-bob", bob);
            repo.put(ab);
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.changed()).contains(OutputLayout.CHAIN, "spiffe/alice.mesh.test.json",
                    "spiffe/bob.mesh.test.json", OutputLayout.SPIFFE_BUNDLE_MAP);
            assertThat(domainFiles()).containsExactly("alice.mesh.test", "bob.mesh.test");
            assertThat(read("alice.mesh.test")).isEqualTo(new Read(List.of(listed(ab, "alice")), 1, 20));
            assertThat(read("bob.mesh.test")).isEqualTo(new Read(List.of(listed(ab, "bob")), 1, 20));
            assertThat(read("bob.mesh.test").fingerprints()).containsExactly(Fingerprint.of(bob.root));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spiffe("bob.mesh.test"))))
                    .isEqualTo("rw-r--r--");
            assertAgreesWithChain();

            // nothing new: nothing written, no sequence moves
            assertThat(a.runOnce().changed()).isEmpty();

            // carol declares her own trust domain in the contract she signed: that name, not the suffix
            repo.put(aliceCarolDeclaring("carol.example"));
            r = a.runOnce();
            assertThat(r.changed()).contains("spiffe/carol.example.json").doesNotContain("spiffe/bob.mesh.test.json",
                    "spiffe/alice.mesh.test.json");
            assertThat(domainFiles()).containsExactly("alice.mesh.test", "bob.mesh.test", "carol.example");
            assertThat(read("carol.example").fingerprints()).containsExactly(Fingerprint.of(carol.root));
            assertAgreesWithChain();

            // the revocation: alice-bob leaves main, bob's bundle leaves the directory and the map
            repo.delete("alice-bob");
            r = a.runOnce();
            assertThat(r.changed()).contains(OutputLayout.CHAIN, "spiffe/bob.mesh.test.json",
                    OutputLayout.SPIFFE_BUNDLE_MAP);
            assertThat(spiffe("bob.mesh.test")).doesNotExist();
            assertThat(domainFiles()).containsExactly("alice.mesh.test", "carol.example");
            assertAgreesWithChain();
        }
        // a restarted agent keeps every sequence and rewrites nothing
        try (Agent a = agent(SUFFIX)) {
            CycleResult r = a.runOnce();
            assertThat(r.changed()).isEmpty();
            // a new contract with bob (a new id): bob's bundle comes back above the sequence consumers saw
            repo.put(alice.contractWith("alice-bob", bob));
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(read("bob.mesh.test").sequence()).isEqualTo(2);
            assertThat(read("alice.mesh.test").sequence()).isEqualTo(1);
            assertAgreesWithChain();
        }
        // SPIFFE turned off: no bundle is left behind for a proxy to keep trusting
        try (Agent a = agent(null)) {
            CycleResult r = a.runOnce();
            assertThat(r.changed()).contains(OutputLayout.SPIFFE_BUNDLE_MAP, "spiffe/bob.mesh.test.json");
            assertThat(domainFiles()).isEmpty();
            assertThat(out.resolve(OutputLayout.SPIFFE_BUNDLE_MAP)).doesNotExist();
        }
    }

    @Test
    void aDeclaredTrustDomainThatIsAPathIsRefusedAndNothingIsWrittenOutsideTheDirectory() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        repo.put(aliceCarolDeclaring("../../evil"));
        try (Agent a = agent(SUFFIX)) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            // carol is still trusted in chain.pem (the contract is valid), but has no SPIFFE bundle
            assertThat(Outputs.chain(out)).contains(Fingerprint.of(carol.root));
            assertThat(domainFiles()).containsExactly("alice.mesh.test", "bob.mesh.test");
            assertThat(map()).containsOnlyKeys("alice.mesh.test", "bob.mesh.test");
            assertThat(tmp.resolve("evil.json")).doesNotExist();
            assertThat(out.resolve("evil.json")).doesNotExist();
        }
    }
}
