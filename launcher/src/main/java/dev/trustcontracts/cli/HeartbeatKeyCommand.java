package dev.trustcontracts.cli;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustctl repo-server heartbeat-key --out DIR}: a new heartbeat key (DIR/heartbeat.key, 0600 from its
 * creation) and its self-signed certificate (DIR/heartbeat.pem), never over existing files.
 */
@Command(name = "heartbeat-key", mixinStandardHelpOptions = true,
        description = {"Make the key the primary repo-server signs its freshness heartbeat with",
            "(DIR/heartbeat.key, mode 0600) and its self-signed certificate (DIR/heartbeat.pem).",
            "Give both to 'repo-server --heartbeat-key --heartbeat-cert'; give the certificate to",
            "every agent's --heartbeat-cert. Existing files are never overwritten."})
final class HeartbeatKeyCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    RepoServerCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write the two files")
    Path out;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", converter = KeyTypeConverter.class,
            description = "ec-p256 (default), ec-p384, rsa (3072 bits) or ed25519")
    KeyType keyType;

    @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "730d", converter = DurationConverter.class,
            description = "the certificate's validity; heartbeats dated after it do not count (default ${DEFAULT-VALUE})")
    Duration validFor;

    @Option(names = "--name", paramLabel = "CN", defaultValue = "trustctl repo-server heartbeat",
            description = "the certificate's common name (default: ${DEFAULT-VALUE})")
    String name;

    @Override
    public Integer call() {
        if (validFor.isNegative() || validFor.isZero()) {
            throw new UserError("--valid-for must be positive", ExitCodes.USAGE);
        }
        HeartbeatKey key = HeartbeatKey.generate(keyType, name, parent.clock().instant(), validFor);
        try {
            key.writeTo(out);
        } catch (FileAlreadyExistsException e) {
            throw new UserError(e.getFile() + " exists: a heartbeat key is never overwritten; choose another --out");
        } catch (IOException e) {
            throw new UserError("cannot write the heartbeat key to " + out + ": " + UserErrors.describe(e));
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("heartbeat key  %s (0600; give it to repo-server --heartbeat-key only)%n",
                out.resolve(HeartbeatKey.KEY_FILE));
        o.printf("certificate    %s (give it to repo-server --heartbeat-cert and to every agent's --heartbeat-cert)%n",
                out.resolve(HeartbeatKey.CERT_FILE));
        o.printf("               %s, valid until %s, SHA-256 %s%n", keyType.id(),
                key.certificate().getNotAfter().toInstant(), Fingerprint.of(key.certificate()));
        o.flush();
        return ExitCodes.OK;
    }
}
