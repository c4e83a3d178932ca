package dev.trustcontracts.agent.kubernetes;

import dev.trustcontracts.agent.KubernetesOptions;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.ClusterOutput;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's Kubernetes outputs ({@code --out-kubernetes-secret}, {@code --out-kubernetes-configmap}) on fabric8's
 * client over the JDK's HTTP client. Configured from {@code --kubeconfig}, or by fabric8's auto-configuration (in a
 * pod: its service account's token, CA and namespace). The client does not retry by itself: a failed call fails the
 * cycle, which the agent retries with its own backoff.
 */
public final class KubernetesOutput implements ClusterOutput {
    /** The verbs the agent uses on its objects; the documented Role grants exactly these (KubernetesManifestsTest). */
    public static final List<String> VERBS = List.of("get", "update");

    private final KubernetesClient client;
    private final List<OwnedObject<?>> objects = new ArrayList<>();

    KubernetesOutput(KubernetesClient client, KubernetesOptions options) {
        this.client = client;
        // the Secret first: it carries the key and certificate the proxy serves, and the same bundle
        if (options.secret() != null) {
            objects.add(new TlsSecret(client, options.secret()));
        }
        if (options.configMap() != null) {
            objects.add(new BundleConfigMap(client, options.configMap()));
        }
    }

    /**
     * A client for the options; nothing is sent until the first cycle.
     *
     * @param timeout for connecting and for each request
     * @throws IOException when the kubeconfig cannot be read or is not one
     */
    public static KubernetesOutput open(KubernetesOptions options, Duration timeout) throws IOException {
        Config base;
        if (options.kubeconfig() != null) {
            if (!Files.isRegularFile(options.kubeconfig()) || !Files.isReadable(options.kubeconfig())) {
                throw new IOException("--kubeconfig " + options.kubeconfig() + ": not a readable file");
            }
            try {
                base = Config.fromKubeconfig(options.kubeconfig().toFile());
            } catch (KubernetesClientException | IllegalArgumentException e) {
                throw new IOException("--kubeconfig " + options.kubeconfig() + ": not a usable kubeconfig ("
                        + ApiFailures.cause(e) + ")", e);
            }
        } else {
            base = Config.autoConfigure(null);
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Config config = new ConfigBuilder(base).withRequestRetryBackoffLimit(0).withConnectionTimeout(ms)
                .withRequestTimeout(ms).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        return new KubernetesOutput(client, options);
    }

    @Override
    public List<String> publish(Material material) throws SyncException {
        List<String> written = new ArrayList<>();
        for (OwnedObject<?> o : objects) {
            if (o.keep(material)) {
                written.add(o.describe());
            }
        }
        return written;
    }

    @Override
    public void close() {
        client.close();
    }
}
