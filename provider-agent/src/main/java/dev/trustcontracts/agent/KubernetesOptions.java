package dev.trustcontracts.agent;

import dev.trustcontracts.core.net.DnsLabel;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the agent also writes its outputs in Kubernetes ({@code --out-kubernetes-secret},
 * {@code --out-kubernetes-configmap}) and how it reaches the API server ({@code --kubeconfig}; null for fabric8's
 * auto-configuration: the pod's service account in a cluster). The files in {@code --out} stay the source the
 * agent verifies from; these objects are an output written from them.
 *
 * @param secret     the {@code kubernetes.io/tls} Secret (tls.crt, tls.key, ca.crt), or null
 * @param configMap  the ConfigMap holding the trust bundle, or null
 * @param kubeconfig a kubeconfig file for running outside a cluster, or null
 */
public record KubernetesOptions(ObjectName secret, ObjectName configMap, Path kubeconfig) {
    public KubernetesOptions {
        if (secret == null && configMap == null) {
            throw new IllegalArgumentException("--kubeconfig needs --out-kubernetes-secret or --out-kubernetes-configmap");
        }
    }

    /**
     * A namespaced object's name, as {@code NAMESPACE/NAME}.
     *
     * @param namespace a DNS label (at most 63 characters)
     * @param name      a DNS subdomain (at most 253 characters)
     */
    public record ObjectName(String namespace, String name) {
        private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

        public ObjectName {
            if (!DnsLabel.isValid(namespace)) {
                throw new IllegalArgumentException("namespace '" + namespace + "' is not a DNS label (a-z, 0-9, '-', "
                        + "at most 63)");
            }
            if (name == null || name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
                throw new IllegalArgumentException("name '" + name + "' is not a DNS subdomain (a-z, 0-9, '-', '.', "
                        + "at most 253)");
            }
        }

        /** Reads {@code NAMESPACE/NAME}; {@code option} names the flag in the message. */
        public static ObjectName parse(String option, String text) {
            int slash = text.indexOf('/');
            if (slash < 0 || slash != text.lastIndexOf('/')) {
                throw new IllegalArgumentException(option + " takes NAMESPACE/NAME, not '" + text + "'");
            }
            try {
                return new ObjectName(text.substring(0, slash), text.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " " + text + ": " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
