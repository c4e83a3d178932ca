package dev.trustcontracts.agent.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * One trust domain's SPIFFE bundle (SPIFFE Trust Domain and Bundle §4): a JWK set with one {@code x509-svid} key
 * per root, the root's DER in {@code x5c} and its public key parameters beside it, plus {@code spiffe_sequence}
 * and {@code spiffe_refresh_hint}. The keys are built by nimbus-jose-jwt; the JSON is written with sorted keys, so
 * that the same roots always give the same bytes and a file is replaced only when its content changed. The keys,
 * the digest and the last bytes are computed once per instance: the agent keeps instances across cycles.
 */
public final class SpiffeBundle {
    /** The {@code use} of keys that authenticate X.509-SVIDs (X509-SVID §6). */
    public static final KeyUse X509_SVID = new KeyUse("x509-svid");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, SerializationFeature.INDENT_OUTPUT)
            .build();

    private final List<X509Certificate> roots;
    private final long refreshHintSeconds;
    /** The JWK set with the refresh hint, without the sequence; built once. */
    private Map<String, Object> body;
    private String digest;
    private long lastSequence = -1;
    private byte[] lastJson;

    /**
     * @param roots              the domain's roots, in the order they are written (a zone's current root first)
     * @param refreshHintSeconds how often a consumer should read the file again
     */
    public SpiffeBundle(List<X509Certificate> roots, long refreshHintSeconds) {
        this.roots = List.copyOf(roots);
        if (this.roots.isEmpty()) {
            throw new IllegalArgumentException("a SPIFFE bundle has at least one root");
        }
        this.refreshHintSeconds = refreshHintSeconds;
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    public long refreshHintSeconds() {
        return refreshHintSeconds;
    }

    /** The JWK of one root, or an IllegalArgumentException naming the key type that JWK cannot carry. */
    public static JWK jwk(X509Certificate root) {
        List<Base64> x5c;
        try {
            x5c = List.of(Base64.encode(root.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the root " + root.getSubjectX500Principal(), e);
        }
        PublicKey key = root.getPublicKey();
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyUse(X509_SVID).x509CertChain(x5c).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("root " + root.getSubjectX500Principal() + " has an EC key on a "
                        + "curve JWK does not name");
            }
            return new ECKey.Builder(curve, ec).keyUse(X509_SVID).x509CertChain(x5c).build();
        }
        if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
            // the raw 32-byte key of RFC 8037 is the subjectPublicKey bit string of the certificate's key info
            byte[] raw = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyUse(X509_SVID)
                    .x509CertChain(x5c).build();
        }
        throw new IllegalArgumentException("root " + root.getSubjectX500Principal() + " has a " + key.getAlgorithm()
                + " key, which a SPIFFE bundle cannot carry");
    }

    /** The JWK set with the SPIFFE parameters, as a JSON object (the value of a bundle map entry too). */
    public Map<String, Object> jsonObject(long sequence) {
        Map<String, Object> o = new LinkedHashMap<>(withoutSequence());
        o.put("spiffe_sequence", sequence);
        return o;
    }

    /** The bundle file's bytes. */
    public byte[] json(long sequence) {
        if (sequence != lastSequence) {
            lastJson = write(jsonObject(sequence));
            lastSequence = sequence;
        }
        return lastJson.clone();
    }

    /**
     * sha-256 of everything in the bundle but its sequence: the sequence is raised exactly when this changes (the
     * roots, their order, the refresh hint).
     */
    public String contentDigest() {
        if (digest == null) {
            try {
                digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(write(withoutSequence())));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java platform", e);
            }
        }
        return digest;
    }

    /** The SPIFFE bundle map (as gRPC's and Envoy's SPIFFE validators read it): trust domain → bundle. */
    public static byte[] bundleMap(Map<String, Map<String, Object>> bundles) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("trust_domains", bundles);
        return write(root);
    }

    private Map<String, Object> withoutSequence() {
        if (body == null) {
            List<JWK> keys = new ArrayList<>();
            for (X509Certificate root : roots) {
                keys.add(jwk(root));
            }
            Map<String, Object> o = new LinkedHashMap<>(new JWKSet(keys).toJSONObject(true));
            o.put("spiffe_refresh_hint", refreshHintSeconds);
            body = java.util.Collections.unmodifiableMap(o);
        }
        return body;
    }

    private static byte[] write(Map<String, Object> o) {
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a SPIFFE bundle as JSON", e);
        }
    }
}
