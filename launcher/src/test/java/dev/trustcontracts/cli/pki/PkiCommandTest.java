package dev.trustcontracts.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.Trustctl;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trustctl pki ...} as operators run it: exit codes, output, one-line errors. */
class PkiCommandTest {
    private static final String TOKEN = "9c1f3e5a7b2d4f6e8a0c2e4f6a8b0d2f4e6a8c0e";

    @TempDir
    Path dir;

    /** One run's exit code and output. */
    record Run(int exit, String out, String err) {
    }

    private static final class Captured {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        int execute(String... args) {
            CommandLine cl = Trustctl.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute(args);
        }
    }

    private static Run run(String... args) {
        Captured c = new Captured();
        int exit = c.execute(args);
        return new Run(exit, c.out.toString(), c.err.toString());
    }

    private Path init(String zone) {
        Path ca = dir.resolve(zone);
        Run r = run("pki", "init", "--dir", ca.toString(), "--name", zone);
        assertThat(r.exit).as(r.err).isZero();
        return ca;
    }

    @Test
    void helpEverywhere() {
        Run pki = run("pki", "--help");
        assertThat(pki.exit).isZero();
        assertThat(pki.out).contains("init", "serve", "issue");
        for (String sub : new String[] {"init", "serve", "issue"}) {
            Run r = run("pki", sub, "--help");
            assertThat(r.exit).as(sub).isZero();
            assertThat(r.out).as(sub).contains("Usage: trustctl pki " + sub, "--dir");
        }
        assertThat(run("pki", "serve", "--help").out).contains("--token-file", "--allow-name", "--max-lifetime");
    }

    @Test
    void initCreatesTheCaAndRefusesASecondTime() throws Exception {
        Path ca = dir.resolve("alice");
        Run first = run("pki", "init", "--dir", ca.toString(), "--name", "alice", "--key-type", "ed25519",
                "--valid-for", "365d");

        assertThat(first.exit).as(first.err).isEqualTo(ExitCodes.OK);
        assertThat(first.out).contains("created the root CA of zone alice (ed25519)", "sha256:");
        assertThat(Files.getPosixFilePermissions(ca.resolve("ca-key.pem"))).isEqualTo(AtomicFiles.PRIVATE);
        X509Certificate root = Pem.certificate(Files.readString(ca.resolve("ca.pem")));
        assertThat(root.getPublicKey().getAlgorithm()).isIn("Ed25519", "EdDSA");

        Run second = run("pki", "init", "--dir", ca.toString(), "--name", "alice");
        assertThat(second.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(second.err).isEqualTo("trustctl pki init: " + ca.resolve("ca.pem") + " already exists: " + ca
                + " holds a CA; refusing to overwrite it (use another --dir)" + System.lineSeparator());
        assertThat(Pem.certificate(Files.readString(ca.resolve("ca.pem")))).isEqualTo(root);
    }

    @Test
    void initRefusesBadInputAsUsageErrors() {
        Run badName = run("pki", "init", "--dir", dir.resolve("x").toString(), "--name", "Not A Zone");
        assertThat(badName.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.err.lines()).singleElement().asString()
                .startsWith("trustctl pki init: zone name 'Not A Zone' is not a lowercase DNS name");

        Run badType = run("pki", "init", "--dir", dir.resolve("x").toString(), "--name", "x", "--key-type", "dsa");
        assertThat(badType.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(badType.err).contains("unknown key type 'dsa'");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void serveWithoutACaDirectoryIsOneLine() {
        Path missing = dir.resolve("missing");
        Run r = run("pki", "serve", "--dir", missing.toString(), "--listen", "127.0.0.1:0");

        assertThat(r.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err).isEqualTo("trustctl pki serve: no CA directory at " + missing
                + " (create one with: trustctl pki init --dir " + missing + " --name ZONE)" + System.lineSeparator());
    }

    @Test
    void serveRefusesAnOpenNetworkAddressWithoutAToken() throws Exception {
        Path ca = init("alice");
        Run r = run("pki", "serve", "--dir", ca.toString(), "--listen", "0.0.0.0:0");
        assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err.lines()).singleElement().asString().startsWith("trustctl pki serve: refusing to serve 0.0.0.0:0");

        Files.writeString(dir.resolve("short"), "secret\n");
        Run shortToken = run("pki", "serve", "--dir", ca.toString(), "--token-file", dir.resolve("short").toString());
        assertThat(shortToken.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(shortToken.err.lines()).singleElement().asString().contains("a bearer token is at least 32");

        Run badName = run("pki", "serve", "--dir", ca.toString(), "--allow-name", "a..b");
        assertThat(badName.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.err.lines()).singleElement().asString().contains("allowed name 'a..b' is neither");
    }

    @Test
    void servePrintsTheBoundPortServesAndStops() throws Exception {
        Path ca = init("alice");
        Path tokenFile = dir.resolve("token");
        AtomicFiles.createNew(tokenFile, (TOKEN + "\n").getBytes(), AtomicFiles.PRIVATE);
        Captured c = new Captured();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread serve = new Thread(() -> exit.complete(c.execute("pki", "serve", "--dir", ca.toString(),
                "--listen", "127.0.0.1:0", "--token-file", tokenFile.toString(), "--allow-name", "localhost")), "serve");
        serve.start();
        try {
            int port = awaitPort(c, exit);
            assertThat(c.out.toString()).contains("allowed names: alice, *.alice, localhost; max lifetime 24h");
            assertThat(c.out.toString()).contains("tls:           certificate from the zone CA for 127.0.0.1,localhost")
                    .contains("agents pin:    --pki-fingerprint " + Fingerprint.of(Pem.certificate(
                            Files.readString(ca.resolve("ca.pem")))));
            // a client that trusts exactly the zone root, as a pinned agent does
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                    .trustManager(ca.resolve("ca.pem").toFile()).build()).build();
            try {
                Metadata md = new Metadata();
                md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
                GetCAResponse r = PkiServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                        .getCA(GetCARequest.getDefaultInstance());
                assertThat(r.getZone()).isEqualTo("alice");
                assertThat(r.getCertificate()).isEqualTo(Files.readString(ca.resolve("ca.pem")));
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            serve.interrupt();
            serve.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(exit).isCompletedWithValue(ExitCodes.OK);
        assertThat(c.out.toString()).contains("pki: stopped");
        assertThat(c.err.toString()).isEmpty();
    }

    @Test
    void plaintextOnlyWhenAskedAndWithAWarning() throws Exception {
        Path ca = init("alice");
        Captured c = new Captured();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread serve = new Thread(() -> exit.complete(c.execute("pki", "serve", "--dir", ca.toString(),
                "--listen", "127.0.0.1:0", "--plaintext")), "serve");
        serve.start();
        try {
            int port = awaitPort(c, exit);
            assertThat(c.out.toString()).contains("tls:           none (--plaintext)");
            assertThat(c.err.toString()).startsWith("trustctl pki serve: warning: --plaintext: no TLS");
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                assertThat(PkiServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .getCA(GetCARequest.getDefaultInstance()).getZone()).isEqualTo("alice");
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            serve.interrupt();
            serve.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    @Test
    void aWildcardAddressNeedsAServerNameForTheCertificate() throws Exception {
        Path ca = init("alice");
        Path tokenFile = dir.resolve("token");
        AtomicFiles.createNew(tokenFile, (TOKEN + "\n").getBytes(), AtomicFiles.PRIVATE);
        Run r = run("pki", "serve", "--dir", ca.toString(), "--listen", "0.0.0.0:0", "--token-file", tokenFile.toString());
        assertThat(r.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err.lines()).singleElement().asString()
                .startsWith("trustctl pki serve: the PKI listens on the wildcard address 0.0.0.0")
                .contains("--server-name");
    }

    /** Waits for the "listening on" line; the limit is generous, nothing here depends on speed. */
    private static int awaitPort(Captured c, CompletableFuture<Integer> exit) throws InterruptedException {
        Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(c.out.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (exit.isDone()) {
                throw new AssertionError("serve exited early: " + exit.join() + " " + c.err);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve printed no address: " + c.out + c.err);
    }

    @Test
    void issueWritesAnAdminCertificateAndNeverOverwrites() throws Exception {
        Path ca = init("alice");
        Path key = dir.resolve("admin-key.pem");
        Path cert = dir.resolve("admin.pem");
        Run r = run("pki", "issue", "--dir", ca.toString(), "--name", "admin@alice", "--key-out", key.toString(),
                "--cert-out", cert.toString(), "--valid-for", "30d");

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("issued a contract-signing certificate for admin@alice (zone alice)");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(AtomicFiles.PRIVATE);
        X509Certificate admin = Pem.certificate(Files.readString(cert));
        assertThat(admin.getExtendedKeyUsage()).containsExactly(CertificateProfile.CONTRACT_SIGNING_EKU.getId());
        admin.verify(Pem.certificate(Files.readString(ca.resolve("ca.pem"))).getPublicKey());

        String keyBefore = Files.readString(key);
        Run again = run("pki", "issue", "--dir", ca.toString(), "--name", "admin@alice", "--key-out", key.toString(),
                "--cert-out", dir.resolve("other.pem").toString());
        assertThat(again.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err).isEqualTo("trustctl pki issue: " + key + " already exists; refusing to overwrite it"
                + System.lineSeparator());
        assertThat(Files.readString(key)).isEqualTo(keyBefore);
        assertThat(dir.resolve("other.pem")).doesNotExist();
    }

    @Test
    void issueWithoutACaOrWithABadNameIsOneLine() {
        Run noCa = run("pki", "issue", "--dir", dir.resolve("none").toString(), "--name", "admin@alice",
                "--key-out", dir.resolve("k").toString(), "--cert-out", dir.resolve("c").toString());
        assertThat(noCa.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(noCa.err.lines()).singleElement().asString().startsWith("trustctl pki issue: no CA directory at");

        Path ca = init("alice");
        Run badName = run("pki", "issue", "--dir", ca.toString(), "--name", "admin alice",
                "--key-out", dir.resolve("k").toString(), "--cert-out", dir.resolve("c").toString());
        assertThat(badName.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.err.lines()).singleElement().asString().contains("must be 1 to 64 letters");
        assertThat(dir.resolve("k")).doesNotExist();
    }
}
