package dev.trustcontracts.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in docs/kubernetes, parsed by fabric8 into typed objects, held to what the agent does: the Role
 * names exactly the objects the Deployments tell the agent to write, with exactly the verbs {@link KubernetesOutput}
 * uses; the pre-created objects are ones the agent accepts as its own.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("..", "docs", "kubernetes");
    private static List<HasMetadata> all;

    @BeforeAll
    static void parse() throws IOException {
        all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    Object parsed = Serialization.unmarshal(in);
                    List<?> items = parsed instanceof KubernetesList l ? l.getItems()
                            : parsed instanceof List<?> l ? l : List.of(parsed);
                    for (Object o : items) {
                        // a typo in apiVersion or kind would fall back to a generic resource: every one is typed
                        assertThat(o).as(f.toString()).isInstanceOf(HasMetadata.class)
                                .isNotInstanceOf(GenericKubernetesResource.class);
                        all.add((HasMetadata) o);
                    }
                }
            }
        }
        assertThat(all).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Deployment", "Deployment",
                "Secret", "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim");
        assertThat(all).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("trust"));
    }

    @Test
    void theRoleGrantsExactlyTheVerbsTheAgentUsesOnExactlyTheObjectsTheDeploymentsName() {
        Role role = one(Role.class);
        for (Deployment d : all(Deployment.class)) {
            Map<String, String> flags = agentFlags(d);
            ObjectName secret = ObjectName.parse("--out-kubernetes-secret", flags.get("--out-kubernetes-secret"));
            ObjectName configMap = ObjectName.parse("--out-kubernetes-configmap",
                    flags.get("--out-kubernetes-configmap"));
            assertThat(List.of(secret.namespace(), configMap.namespace())).containsOnly(role.getMetadata().getNamespace());
            assertThat(role.getRules()).hasSize(2);
            assertThat(rule(role, "secrets").getResourceNames()).containsExactly(secret.name());
            assertThat(rule(role, "configmaps").getResourceNames()).containsExactly(configMap.name());
            // the agent also reads its files from its own volume, never through the API
            assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName())
                    .isEqualTo(one(ServiceAccount.class).getMetadata().getName());
        }
        for (PolicyRule r : role.getRules()) {
            assertThat(r.getApiGroups()).containsExactly("");
            assertThat(r.getVerbs()).containsExactlyElementsOf(KubernetesOutput.VERBS).doesNotContain("create", "*");
        }
        RoleBinding binding = one(RoleBinding.class);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(one(ServiceAccount.class).getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo("trust");
        });
    }

    @Test
    void thePreCreatedObjectsAreOnesTheAgentTakesAsItsOwn() {
        Secret secret = one(Secret.class);
        assertThat(secret.getType()).isEqualTo(TlsSecret.TYPE);
        assertThat(secret.getMetadata().getLabels()).containsExactly(Map.entry(OwnedObject.MANAGED_BY, OwnedObject.OWNER));
        // the API server requires both keys in a kubernetes.io/tls Secret, even empty
        assertThat(secret.getData()).containsOnlyKeys(TlsSecret.CERT, TlsSecret.KEY);
        ConfigMap cm = one(ConfigMap.class);
        assertThat(cm.getMetadata().getLabels()).containsExactly(Map.entry(OwnedObject.MANAGED_BY, OwnedObject.OWNER));
        assertThat(rule(one(Role.class), "secrets").getResourceNames()).containsExactly(secret.getMetadata().getName());
        assertThat(rule(one(Role.class), "configmaps").getResourceNames()).containsExactly(cm.getMetadata().getName());
    }

    @Test
    void theSidecarsProxyMountsTheSecretTheAgentWritesAndTheNamespaceAgentKeepsItsStateOnAClaim() {
        Deployment sidecar = deployment("alice-proxy");
        var pod = sidecar.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("trustctl-agent", "proxy");
        Container proxy = pod.getContainers().get(1);
        String tlsVolume = proxy.getVolumeMounts().get(0).getName();
        Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(tlsVolume)).findFirst().orElseThrow();
        assertThat(v.getSecret().getSecretName()).isEqualTo(ObjectName.parse("--out-kubernetes-secret",
                agentFlags(sidecar).get("--out-kubernetes-secret")).name());
        assertThat(proxy.getVolumeMounts().get(0).getReadOnly()).isTrue();

        Deployment single = deployment("trustctl-agent");
        assertThat(single.getSpec().getReplicas()).isEqualTo(1);
        assertThat(single.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(single.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(x -> assertThat(
                x.getPersistentVolumeClaim().getClaimName()).isEqualTo(one(PersistentVolumeClaim.class)
                        .getMetadata().getName()));
        for (Deployment d : all(Deployment.class)) {
            assertThat(agentFlags(d).get("--out")).isEqualTo("/var/run/trustctl");
        }
    }

    /** The agent container's {@code --flag=value} arguments. */
    private static Map<String, String> agentFlags(Deployment d) {
        Container agent = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("trustctl-agent")).findFirst().orElseThrow();
        assertThat(agent.getArgs().get(0)).isEqualTo("agent");
        Map<String, String> flags = new java.util.HashMap<>();
        for (String a : agent.getArgs().subList(1, agent.getArgs().size())) {
            int eq = a.indexOf('=');
            assertThat(eq).as(a).isPositive();
            flags.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return flags;
    }

    private static PolicyRule rule(Role role, String resource) {
        return role.getRules().stream().filter(r -> r.getResources().equals(List.of(resource))).findFirst()
                .orElseThrow(() -> new AssertionError("no rule for " + resource));
    }

    private static Deployment deployment(String name) {
        return all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }
}
