package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.KeyTypeConverter;
import dev.trustcontracts.cli.UserError;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.CaLoader;
import dev.trustcontracts.pki.ContractSignerIssuer;
import dev.trustcontracts.pki.Credential;
import dev.trustcontracts.pki.IssuedLog;
import dev.trustcontracts.pki.ZoneCa;
import dev.trustcontracts.pki.ZoneRoots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trustctl pki issue}: an admin's contract-signing certificate. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issues an admin's contract-signing certificate and a new key: admins sign contracts "
                + "with it, the CA key stays where it is.",
            "The key file gets mode 0600; existing files are never overwritten."})
final class PkiIssueCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    PkiCommand pki;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory (from pki init)")
    Path dir;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "who signs, e.g. admin@alice")
    String name;

    @Option(names = "--key-out", required = true, paramLabel = "FILE", description = "new private key (PEM, mode 0600)")
    Path keyOut;

    @Option(names = "--cert-out", required = true, paramLabel = "FILE", description = "the certificate (PEM)")
    Path certOut;

    @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "365d", converter = DurationConverter.class,
            description = "certificate lifetime, capped at the root's (default ${DEFAULT-VALUE})")
    Duration validFor;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", converter = KeyTypeConverter.class,
            description = "ec-p256 (default), ec-p384, rsa or ed25519")
    KeyType keyType;

    @Override
    public Integer call() throws IOException {
        CaLayout layout = new CaLayout(dir);
        ZoneRoots roots = CaLoader.loadRoots(layout);
        ZoneCa ca = roots.issuing(); // during a rotation: the root that issues
        Credential.refuseExisting(keyOut, certOut); // before anything is issued
        Credential admin;
        try {
            admin = ContractSignerIssuer.issue(ca, IssuedLog.open(layout.issuedLog()), name, keyType, validFor,
                    pki.clock());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
        admin.writeTo(keyOut, certOut);
        PrintWriter out = spec.commandLine().getOut();
        out.println("issued a contract-signing certificate for " + name + " (zone " + ca.zone() + ")");
        out.println("  certificate: " + certOut + " (sha256 " + Fingerprint.of(admin.certificate()) + ")");
        out.println("  key:         " + keyOut + " (mode 0600)");
        out.println("  valid until: " + admin.certificate().getNotAfter().toInstant());
        out.println("  chains to:   " + (roots.issuing() == roots.next() ? layout.nextCertificate() : layout.certificate()));
        out.flush();
        return ExitCodes.OK;
    }
}
