package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.AuditLogOption;
import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.HostPortConverter;
import dev.trustcontracts.cli.UserError;
import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.pki.BearerToken;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.CaLoader;
import dev.trustcontracts.pki.IssuancePolicy;
import dev.trustcontracts.pki.IssuedLog;
import dev.trustcontracts.pki.PkiAudit;
import dev.trustcontracts.pki.PkiException;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneCa;
import dev.trustcontracts.pki.ZoneRoots;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trustctl pki serve}: PkiService over gRPC until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the zone's PkiService (GetCA, SignCSR) and the gRPC health service.",
            "Prints the bound address (port 0 picks a free port); stops cleanly on SIGTERM or Ctrl-C."})
final class PkiServeCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    PkiCommand pki;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --config FILE} and {@code TRUSTCTL_PKI_SERVE_*}: every option below may come from them. */
    @Mixin
    dev.trustcontracts.cli.config.ConfigOption config = new dev.trustcontracts.cli.config.ConfigOption();

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory (from pki init)")
    Path dir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9443",
            converter = HostPortConverter.class,
            description = "listen address (default ${DEFAULT-VALUE}); a port alone means 127.0.0.1")
    HostPort listen;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "every call must carry 'authorization: Bearer <token in FILE>'")
    Path tokenFile;

    @Option(names = "--allow-unauthenticated",
            description = "serve a non-loopback address without --token-file (anyone who reaches it gets certificates)")
    boolean allowUnauthenticated;

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "a DNS name or IP address agents dial, added to the PKI's TLS certificate (repeatable); "
                    + "the --listen host is always in it")
    List<String> serverNames = new ArrayList<>();

    @Option(names = "--plaintext",
            description = "serve without TLS (insecure: the bearer token and certificates cross the network in the clear)")
    boolean plaintext;

    @Mixin
    PolicyOptions policyOptions;

    /** The audit trail: every issuance and refusal. */
    @Mixin
    AuditLogOption audit = new AuditLogOption();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        audit.apply();
        CaLayout layout = new CaLayout(dir);
        ZoneRoots roots = CaLoader.loadRoots(layout);
        ZoneCa ca = roots.current();
        CaLoader.keyModeWarning(layout).ifPresent(w -> err.println("trustctl pki serve: warning: " + w));
        IssuancePolicy policy;
        try {
            policy = policyOptions.policyFor(ca.zone());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
        BearerToken token = null;
        if (tokenFile != null) {
            token = BearerToken.fromFile(tokenFile);
            SecretFiles.looseModeWarning(tokenFile).ifPresent(w -> err.println("trustctl pki serve: warning: " + w));
        }
        if (token == null && !listen.isLoopback() && !allowUnauthenticated) {
            throw new UserError("refusing to serve " + listen + " without --token-file: anyone who can reach it "
                    + "could get certificates for " + policy.describeNames()
                    + " (add --token-file, or --allow-unauthenticated if that is intended)", ExitCodes.USAGE);
        }
        PkiServer.Transport transport;
        if (plaintext) {
            if (!serverNames.isEmpty()) {
                throw new UserError("--server-name names the TLS certificate; it makes no sense with --plaintext",
                        ExitCodes.USAGE);
            }
            err.println("trustctl pki serve: warning: --plaintext: no TLS; the bearer token, the zone root and every "
                    + "certificate cross the network in the clear, and agents cannot check they talk to this PKI");
            err.flush();
            transport = PkiServer.Transport.plaintext();
        } else {
            transport = PkiServer.Transport.tls(serverNames);
        }
        IssuedLog log = IssuedLog.open(layout.issuedLog());
        try (PkiServer server = new PkiServer(layout, policy, log, token, pki.clock(), transport)) {
            try {
                server.start(listen.host(), listen.port());
            } catch (PkiException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE);
            }
            Thread hook = new Thread(server::close, "pki-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                InetSocketAddress bound = server.address();
                String nl = System.lineSeparator();
                // one write: whoever watches the output for the address sees the whole banner with it
                out.print("pki: zone " + ca.zone() + " listening on "
                        + new HostPort(bound.getAddress().getHostAddress(), bound.getPort()) + nl
                        + "  CA sha256:     " + ca.fingerprint() + nl
                        + "  allowed names: " + policy.describeNames() + "; max lifetime "
                        + DurationConverter.format(policy.maxLifetime()) + "; URI SANs: "
                        + (policy.trustDomain().isEmpty() ? "none" : "spiffe://" + policy.trustDomain() + "/...") + nl
                        + "  auth:          " + (token == null ? "none (no --token-file)" : "bearer token from " + tokenFile)
                        + nl
                        + "  tls:           " + (server.tls() ? tlsLine(server) : "none (--plaintext)") + nl
                        + "  agents pin:    --pki-fingerprint " + ca.fingerprint() + nl
                        + rotationLine(server.roots(), nl));
                out.flush();
                server.awaitTermination();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                removeHook(hook);
            }
        }
        out.println("pki: stopped");
        out.flush();
        return ExitCodes.OK;
    }

    /** During a root rotation: where it stands (the server follows later steps without restart). */
    private static String rotationLine(ZoneRoots roots, String nl) {
        if (roots.next() == null) {
            return "";
        }
        return "  rotation:      " + roots.step().word() + "; next root sha256 " + roots.next().fingerprint()
                + " published; issuing from sha256 " + roots.issuing().fingerprint() + nl;
    }

    private static String tlsLine(PkiServer server) {
        var cert = server.serverCertificate();
        return "certificate from the zone CA for " + PkiAudit.sans(cert).replace("DNS:", "").replace("IP:", "")
                + ", renewed before " + cert.getNotAfter().toInstant();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped the server
        }
    }
}
