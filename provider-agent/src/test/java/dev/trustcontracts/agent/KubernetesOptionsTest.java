package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** NAMESPACE/NAME as the flags take it: Kubernetes' own name rules, refused in one line naming the flag. */
class KubernetesOptionsTest {
    @Test
    void aNamespaceAndANameAreRead() {
        ObjectName n = ObjectName.parse("--out-kubernetes-secret", "trust/alice-tls.v1");
        assertThat(n.namespace()).isEqualTo("trust");
        assertThat(n.name()).isEqualTo("alice-tls.v1");
        assertThat(n).hasToString("trust/alice-tls.v1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice-tls        | --out-kubernetes-secret takes NAMESPACE/NAME, not 'alice-tls'",
        "a/b/c            | --out-kubernetes-secret takes NAMESPACE/NAME, not 'a/b/c'",
        "/alice-tls       | --out-kubernetes-secret /alice-tls: namespace '' is not a DNS label",
        "trust/           | --out-kubernetes-secret trust/: name '' is not a DNS subdomain",
        "Trust/alice      | --out-kubernetes-secret Trust/alice: namespace 'Trust' is not a DNS label",
        "trust/-alice     | --out-kubernetes-secret trust/-alice: name '-alice' is not a DNS subdomain",
        "trust/alice_tls  | --out-kubernetes-secret trust/alice_tls: name 'alice_tls' is not a DNS subdomain",
        "my.ns/alice      | --out-kubernetes-secret my.ns/alice: namespace 'my.ns' is not a DNS label",
    })
    void badNamesAreRefusedNamingTheFlag(String text, String message) {
        assertThatThrownBy(() -> ObjectName.parse("--out-kubernetes-secret", text))
                .isInstanceOf(IllegalArgumentException.class).message().startsWith(message);
    }

    @Test
    void aNamespaceLongerThanALabelIsRefused() {
        assertThatThrownBy(() -> new ObjectName("a".repeat(64), "x")).hasMessageContaining("at most 63");
        assertThat(new ObjectName("a".repeat(63), "b".repeat(253)).name()).hasSize(253);
    }

    @Test
    void aKubeconfigAloneIsAUsageError() {
        assertThatThrownBy(() -> new KubernetesOptions(null, null, Path.of("kubeconfig")))
                .hasMessage("--kubeconfig needs --out-kubernetes-secret or --out-kubernetes-configmap");
    }
}
