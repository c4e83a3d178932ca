package dev.trustcontracts.agent.kubernetes;

import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import dev.trustcontracts.agent.output.ClusterOutput.Material;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kubernetes.io/tls} Secret: {@code tls.crt} (cert.pem: the certificate and its intermediates),
 * {@code tls.key} (key.pem, PKCS#8 PEM) and {@code ca.crt} (chain.pem: the trust bundle), as cert-manager writes
 * them, so a proxy or an Ingress reads it unchanged.
 */
final class TlsSecret extends OwnedObject<Secret> {
    static final String TYPE = "kubernetes.io/tls";
    static final String CERT = "tls.crt";
    static final String KEY = "tls.key";
    static final String CA = "ca.crt";

    private final KubernetesClient client;

    TlsSecret(KubernetesClient client, ObjectName name) {
        super(name, "Secret", client.getConfiguration().getMasterUrl());
        this.client = client;
    }

    @Override
    Resource<Secret> resource(Secret item) {
        var secrets = client.secrets().inNamespace(name().namespace());
        return item == null ? secrets.withName(name().name()) : secrets.resource(item);
    }

    @Override
    Secret created(Material m) {
        return new SecretBuilder().withNewMetadata().withNamespace(name().namespace()).withName(name().name())
                .addToLabels(MANAGED_BY, OWNER).endMetadata().withType(TYPE).withData(data(m)).build();
    }

    @Override
    Secret updated(Secret existing, Material m) {
        return new SecretBuilder(existing).withData(data(m)).withStringData(null).build();
    }

    @Override
    boolean current(Secret existing, Material m) {
        return data(m).equals(existing.getData() == null ? Map.of() : existing.getData());
    }

    @Override
    String foreign(Secret existing) {
        return TYPE.equals(existing.getType()) ? null : "has type " + existing.getType() + ", not " + TYPE;
    }

    private static Map<String, String> data(Material m) {
        Map<String, String> d = new TreeMap<>();
        d.put(CERT, base64(m.certPem()));
        d.put(KEY, base64(m.keyPem()));
        d.put(CA, base64(m.bundlePem()));
        return d;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
