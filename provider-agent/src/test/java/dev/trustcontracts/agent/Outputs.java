package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reading an agent's output directory in tests. */
final class Outputs {
    private Outputs() {
    }

    /** The fingerprints of chain.pem's certificates, in file order. */
    static List<String> chain(Path out) {
        try {
            return Pem.certificates(Files.readString(out.resolve(OutputLayout.CHAIN))).stream().map(Fingerprint::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate cert(Path out) throws IOException {
        return Pem.certificates(Files.readString(out.resolve(OutputLayout.CERT))).get(0);
    }

    /** Every regular file at the top of the directory but the state file, with its bytes. */
    static Map<String, String> snapshot(Path out) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String n = p.getFileName().toString();
                if (!n.equals(OutputLayout.STATE)) {
                    m.put(n, Fingerprint.sha256Hex(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return m;
    }
}
