package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.KeyTypeConverter;
import dev.trustcontracts.cli.UserError;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.pki.CaInit;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.ZoneCa;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustctl pki init}: a new root CA for a zone. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Creates a zone's root CA: DIR/ca.pem and DIR/ca-key.pem (mode 0600).",
            "Refuses to overwrite an existing CA."})
final class PkiInitCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    PkiCommand pki;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory (created with mode 0700)")
    Path dir;

    @Option(names = "--name", required = true, paramLabel = "ZONE",
            description = "zone name, a lowercase DNS name (alice, prod.example.com)")
    String name;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", converter = KeyTypeConverter.class,
            description = "ec-p256 (default), ec-p384, rsa (3072 bits) or ed25519")
    KeyType keyType;

    @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "3650d", converter = DurationConverter.class,
            description = "root lifetime (default ${DEFAULT-VALUE})")
    Duration validFor;

    @Override
    public Integer call() {
        ZoneCa ca;
        try {
            ca = CaInit.create(new CaLayout(dir), name, keyType, validFor, pki.clock());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
        CaLayout layout = new CaLayout(dir);
        PrintWriter out = spec.commandLine().getOut();
        out.println("created the root CA of zone " + ca.zone() + " (" + keyType.id() + ")");
        out.println("  certificate: " + layout.certificate());
        out.println("  sha256:      " + ca.fingerprint());
        out.println("  valid until: " + ca.certificate().getNotAfter().toInstant());
        out.println("  key:         " + layout.privateKey() + " (mode 0600; keep it on this machine and back it up offline)");
        out.flush();
        return ExitCodes.OK;
    }
}
