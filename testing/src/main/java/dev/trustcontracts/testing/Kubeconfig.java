package dev.trustcontracts.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kubeconfig for an API server on 127.0.0.1 (fabric8's mock server, or a closed port), as an operator outside a
 * cluster writes one for {@code trustctl agent --kubeconfig}.
 */
public final class Kubeconfig {
    private Kubeconfig() {
    }

    /** Writes it to {@code file}: plain HTTP to 127.0.0.1:port, a dummy token, the given default namespace. */
    public static Path write(Path file, int port, String namespace) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: agent
                  user:
                    token: not-a-real-token
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: agent
                    namespace: %s
                current-context: test
                """.formatted(port, namespace));
        return file;
    }
}
