package dev.trustcontracts.agent.kubernetes;

import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import dev.trustcontracts.agent.output.ClusterOutput.Material;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;
import java.util.Objects;

/**
 * The ConfigMap with the trust bundle (chain.pem) under {@value #KEY}, the key trust-manager's documentation uses
 * for its Bundle targets, so a workload set up for a trust-manager bundle mounts this one by changing the name only.
 * It holds nothing secret; the Secret's {@code ca.crt} holds the same bundle for those that mount the Secret.
 */
final class BundleConfigMap extends OwnedObject<ConfigMap> {
    static final String KEY = "trust-bundle.pem";

    private final KubernetesClient client;

    BundleConfigMap(KubernetesClient client, ObjectName name) {
        super(name, "ConfigMap", client.getConfiguration().getMasterUrl());
        this.client = client;
    }

    @Override
    Resource<ConfigMap> resource(ConfigMap item) {
        var maps = client.configMaps().inNamespace(name().namespace());
        return item == null ? maps.withName(name().name()) : maps.resource(item);
    }

    @Override
    ConfigMap created(Material m) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(name().namespace()).withName(name().name())
                .addToLabels(MANAGED_BY, OWNER).endMetadata().withData(Map.of(KEY, m.bundlePem())).build();
    }

    @Override
    ConfigMap updated(ConfigMap existing, Material m) {
        return new ConfigMapBuilder(existing).withData(Map.of(KEY, m.bundlePem())).withBinaryData(null).build();
    }

    @Override
    boolean current(ConfigMap existing, Material m) {
        return Objects.equals(existing.getData(), Map.of(KEY, m.bundlePem()))
                && (existing.getBinaryData() == null || existing.getBinaryData().isEmpty());
    }

    @Override
    String foreign(ConfigMap existing) {
        return null; // a ConfigMap has no type
    }
}
