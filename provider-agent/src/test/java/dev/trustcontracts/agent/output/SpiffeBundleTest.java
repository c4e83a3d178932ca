package dev.trustcontracts.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The JWK set of one trust domain, read back with nimbus as a SPIFFE consumer reads it (SPIFFE bundle §4). */
class SpiffeBundleTest {
    private static JWKSet parse(byte[] json) throws Exception {
        return JWKSet.parse(new String(json, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void eachRootIsOneX509SvidKeyWithItsCertificateAndItsKeyParameters(KeyType type) throws Exception {
        TestZone zone = TestZone.create("bob", type);
        byte[] json = new SpiffeBundle(List.of(zone.root), 30).json(7);

        JWKSet set = parse(json);
        assertThat(set.getKeys()).hasSize(1);
        JWK key = set.getKeys().get(0);
        assertThat(key.getKeyUse().getValue()).isEqualTo("x509-svid");
        assertThat(key.getX509CertChain()).hasSize(1);
        X509Certificate inX5c = X509CertUtils.parse(key.getX509CertChain().get(0).decode());
        assertThat(inX5c).isEqualTo(zone.root);
        assertThat(Fingerprint.of(inX5c)).isEqualTo(Fingerprint.of(zone.root));
        // the key parameters are the certificate's key, not anything else
        if (key instanceof AsymmetricJWK asym && !(key instanceof OctetKeyPair)) {
            assertThat(asym.toPublicKey()).isEqualTo(zone.root.getPublicKey());
        } else {
            byte[] raw = SubjectPublicKeyInfo.getInstance(zone.root.getPublicKey().getEncoded()).getPublicKeyData()
                    .getBytes();
            assertThat(((OctetKeyPair) key).getDecodedX()).isEqualTo(raw);
        }
        // no private part ever
        assertThat(key.isPrivate()).isFalse();

        Map<String, Object> top = JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
        assertThat(top.get("spiffe_sequence")).isEqualTo(7L);
        assertThat(top.get("spiffe_refresh_hint")).isEqualTo(30L);
    }

    @Test
    void bothRootsOfARotationInOrderAndTheSameRootsGiveTheSameBytes() throws Exception {
        TestZone a = TestZone.create("alice");
        TestZone next = TestZone.create("alice");
        SpiffeBundle bundle = new SpiffeBundle(List.of(a.root, next.root), 30);
        JWKSet set = parse(bundle.json(1));
        assertThat(set.getKeys()).extracting(k -> X509CertUtils.parse(k.getX509CertChain().get(0).decode()))
                .containsExactly(a.root, next.root);
        assertThat(new SpiffeBundle(List.of(a.root, next.root), 30).json(1)).isEqualTo(bundle.json(1));
        // the digest ignores the sequence, and sees the roots and the hint
        assertThat(bundle.contentDigest()).isEqualTo(new SpiffeBundle(List.of(a.root, next.root), 30).contentDigest());
        assertThat(new SpiffeBundle(List.of(a.root), 30).contentDigest()).isNotEqualTo(bundle.contentDigest());
        assertThat(new SpiffeBundle(List.of(next.root, a.root), 30).contentDigest()).isNotEqualTo(bundle.contentDigest());
        assertThat(new SpiffeBundle(List.of(a.root, next.root), 60).contentDigest()).isNotEqualTo(bundle.contentDigest());
    }

    @Test
    void theBundleMapHoldsEachDomainsBundleUnderItsName() throws Exception {
        TestZone a = TestZone.create("alice");
        TestZone b = TestZone.create("bob", KeyType.RSA);
        byte[] map = SpiffeBundle.bundleMap(Map.of(
                "alice.mesh.test", new SpiffeBundle(List.of(a.root), 30).jsonObject(3),
                "bob.example", new SpiffeBundle(List.of(b.root), 30).jsonObject(1)));
        Map<String, Object> top = JSONObjectUtils.parse(new String(map, StandardCharsets.UTF_8));
        Map<String, Object> domains = JSONObjectUtils.getJSONObject(top, "trust_domains");
        assertThat(domains).containsOnlyKeys("alice.mesh.test", "bob.example");
        JWKSet bob = JWKSet.parse(JSONObjectUtils.getJSONObject(domains, "bob.example"));
        assertThat(X509CertUtils.parse(bob.getKeys().get(0).getX509CertChain().get(0).decode())).isEqualTo(b.root);
        assertThat(JSONObjectUtils.getJSONObject(domains, "alice.mesh.test").get("spiffe_sequence")).isEqualTo(3L);
    }
}
