package dev.trustcontracts.agent.output;

import dev.trustcontracts.agent.SyncException;
import java.util.List;

/**
 * An output kept outside the output directory (the Kubernetes Secret and ConfigMap), written after the files from
 * the same content. The apply step calls it only when it is configured, so an agent without it never loads its
 * implementation. Each call compares what is there with the material and writes only what differs.
 */
public interface ClusterOutput extends AutoCloseable {
    /**
     * Makes the objects hold the material.
     *
     * @return the objects written (e.g. {@code Secret trust/alice-tls}); empty when all were current
     * @throws SyncException (kind KUBERNETES) when the API server is down, refuses, or an object is not ours; the
     *                       objects not yet written stay as they were
     */
    List<String> publish(Material material) throws SyncException;

    @Override
    void close();

    /**
     * What the files hold, as PEM text.
     *
     * @param certPem   cert.pem: the certificate, then its intermediates
     * @param keyPem    key.pem: its PKCS#8 private key
     * @param bundlePem chain.pem: the trust bundle (own roots, then the peers' roots)
     */
    record Material(String certPem, String keyPem, String bundlePem) {
        @Override
        public String toString() {
            // never the key: this record may end up in a log line or an assertion message
            return "Material[cert " + certPem.length() + " chars, key redacted, bundle " + bundlePem.length() + " chars]";
        }
    }
}
