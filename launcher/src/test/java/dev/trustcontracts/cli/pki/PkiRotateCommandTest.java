package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.Cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.Trustctl;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.proto.v1.CaRoot;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.RotationStep;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trustctl pki rotate} as an operator runs it, against a real {@code trustctl pki serve} (TLS on
 * 127.0.0.1, port 0) that follows every step without restart: output, the {@code next:} line, idempotent
 * repeats, and one-line refusals with exit code 1.
 */
class PkiRotateCommandTest {
    @TempDir
    Path dir;

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

    private Path init() {
        Path ca = dir.resolve("alice-ca");
        Cli r = Cli.run("pki", "init", "--dir", ca.toString(), "--name", "alice");
        assertThat(r.exit()).as(r.err()).isZero();
        return ca;
    }

    private static Cli rotate(String step, Path ca) {
        return Cli.run("pki", "rotate", step, "--dir", ca.toString());
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static X509Certificate cert(Path file) throws Exception {
        return Pem.certificate(Files.readString(file));
    }

    @Test
    void helpListsTheSteps() {
        Cli r = Cli.run("pki", "rotate", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("start", "switch", "finish", "status");
        for (String step : new String[] {"start", "switch", "finish", "status"}) {
            assertThat(Cli.run("pki", "rotate", step, "--help").out()).as(step).contains("Usage: trustctl pki rotate " + step,
                    "--dir");
        }
    }

    @Test
    void aRotationStepByStepWhileServeRuns() throws Exception {
        Path ca = init();
        X509Certificate old = cert(ca.resolve("ca.pem"));
        Captured serveOut = new Captured();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread serve = new Thread(() -> exit.complete(serveOut.execute("pki", "serve", "--dir", ca.toString(),
                "--listen", "127.0.0.1:0")), "serve");
        serve.start();
        try {
            int port = awaitPort(serveOut, exit);

            Cli status0 = rotate("status", ca);
            assertThat(status0.exit()).as(status0.err()).isZero();
            assertThat(status0.out()).startsWith("zone alice: rotation none\n")
                    .contains("current root: sha256 " + Fingerprint.of(old));
            assertThat(lastLine(status0.out())).isEqualTo("next: to rotate the root of zone alice: trustctl pki rotate "
                    + "start --dir " + ca);

            Cli start = rotate("start", ca);
            assertThat(start.exit()).as(start.err()).isZero();
            X509Certificate next = cert(ca.resolve("next-ca.pem"));
            assertThat(start.out()).startsWith("started the root rotation of zone alice: the next root is created beside "
                    + "the current one\n").contains("next root:    sha256 " + Fingerprint.of(next));
            assertThat(lastLine(start.out())).startsWith("next: put the next root " + ca.resolve("next-ca.pem"))
                    .contains("trustctl contract rotate NAME --participant alice=" + ca.resolve("next-ca.pem"))
                    .endsWith("then: trustctl pki rotate switch --dir " + ca);
            assertThat(Files.getPosixFilePermissions(ca.resolve("next-ca-key.pem"))).isEqualTo(AtomicFiles.PRIVATE);
            Cli startAgain = rotate("start", ca);
            assertThat(startAgain.exit()).isZero();
            assertThat(startAgain.out()).startsWith("the root rotation of zone alice is already started (at ")
                    .contains("; nothing changed\n");
            assertThat(lastLine(startAgain.out())).isEqualTo(lastLine(start.out()));
            assertThat(cert(ca.resolve("next-ca.pem"))).isEqualTo(next);

            GetCAResponse started = getCa(port, old);
            assertThat(started.getRotation()).isEqualTo(RotationStep.ROTATION_STARTED);
            assertThat(started.getRootsList()).extracting(CaRoot::getHash)
                    .containsExactly(Fingerprint.of(old), Fingerprint.of(next));
            assertThat(issuerOfNewLeaf(port, old)).as("the current root still issues").isEqualTo(old);

            Cli sw = rotate("switch", ca);
            assertThat(sw.exit()).as(sw.err()).isZero();
            assertThat(sw.out()).startsWith("switched zone alice: the next root issues from now on");
            assertThat(lastLine(sw.out())).endsWith("then: trustctl pki rotate finish --dir " + ca);
            Cli swAgain = rotate("switch", ca);
            assertThat(swAgain.exit()).isZero();
            assertThat(swAgain.out()).startsWith("zone alice already issues from the next root (switched at ");
            assertThat(issuerOfNewLeaf(port, old)).as("a running serve issues from the next root").isEqualTo(next);
            assertThat(getCa(port, old).getRootsList()).extracting(CaRoot::getHash)
                    .containsExactly(Fingerprint.of(old), Fingerprint.of(next));
            Cli status2 = rotate("status", ca);
            assertThat(status2.out()).contains("next root:    sha256 " + Fingerprint.of(next) + " (" + ca.resolve("next-ca.pem")
                    + "), published, issuing");
            Cli issue = Cli.run("pki", "issue", "--dir", ca.toString(), "--name", "admin@alice",
                    "--key-out", dir.resolve("admin-key.pem").toString(), "--cert-out", dir.resolve("admin.pem").toString());
            assertThat(issue.exit()).as(issue.err()).isZero();
            assertThat(issue.out()).contains("chains to:   " + ca.resolve("next-ca.pem"));
            cert(dir.resolve("admin.pem")).verify(next.getPublicKey());

            Cli finish = rotate("finish", ca);
            assertThat(finish.exit()).as(finish.err()).isZero();
            assertThat(finish.out()).startsWith("finished the root rotation of zone alice: the new root is the only one "
                    + "published\n").contains("retired: sha256 " + Fingerprint.of(old) + ": key deleted");
            assertThat(lastLine(finish.out())).startsWith("next: drop the old root from zone alice's contracts")
                    .contains("--pki-fingerprint " + Fingerprint.of(next));
            assertThat(rotate("finish", ca).out()).startsWith("the root rotation of zone alice is already finished (at ");
            assertThat(cert(ca.resolve("ca.pem"))).isEqualTo(next);
            assertThat(ca.resolve("next-ca-key.pem")).doesNotExist();
            GetCAResponse finished = getCa(port, next);
            assertThat(finished.getRootsList()).extracting(CaRoot::getHash).containsExactly(Fingerprint.of(next));
            assertThat(finished.getHash()).isEqualTo(Fingerprint.of(next));
            assertThat(issuerOfNewLeaf(port, next)).isEqualTo(next);
        } finally {
            serve.interrupt();
            serve.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(exit).isCompletedWithValue(ExitCodes.OK);
        assertThat(serveOut.err.toString()).isEmpty();
    }

    @Test
    void refusalsAreOneLineWithTheStepToRun() throws Exception {
        Path ca = init();
        Cli sw = rotate("switch", ca);
        assertThat(sw.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(sw.err()).isEqualTo("trustctl pki rotate switch: no rotation is running in " + ca
                + "; start one first: trustctl pki rotate start --dir " + ca + "\n");
        Cli fin = rotate("finish", ca);
        assertThat(fin.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(fin.err().lines()).singleElement().asString().startsWith("trustctl pki rotate finish: no rotation is running");

        assertThat(rotate("start", ca).exit()).isZero();
        Cli early = rotate("finish", ca);
        assertThat(early.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(early.err()).isEqualTo("trustctl pki rotate finish: the next root does not issue yet: switch before "
                + "finishing (after every agent has the next root): trustctl pki rotate switch --dir " + ca + "\n");

        Files.setPosixFilePermissions(ca.resolve("next-ca-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        Cli loose = rotate("switch", ca);
        assertThat(loose.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(loose.err()).isEqualTo("trustctl pki rotate switch: " + ca.resolve("next-ca-key.pem")
                + " is accessible to other users (rw-r--r--); chmod 600 it, and treat the key as exposed\n");
        Files.setPosixFilePermissions(ca.resolve("next-ca-key.pem"), AtomicFiles.PRIVATE);

        Path otherKey = ca.resolve("next-ca-key.pem");
        Files.delete(otherKey);
        AtomicFiles.createNew(otherKey, Pem.encode(KeyType.EC_P256.generate().getPrivate()).getBytes(), AtomicFiles.PRIVATE);
        Cli mismatch = rotate("switch", ca);
        assertThat(mismatch.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(mismatch.err().lines()).singleElement().asString().startsWith("trustctl pki rotate switch: "
                + otherKey + " is not the key of " + ca.resolve("next-ca.pem"));
        Cli status = rotate("status", ca);
        assertThat(status.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(status.out()).startsWith("rotation: started at ");
        assertThat(status.err().lines()).singleElement().asString().startsWith("trustctl pki rotate status: " + otherKey);

        Files.delete(ca.resolve("next-ca.pem"));
        Cli missing = rotate("switch", ca);
        assertThat(missing.err()).isEqualTo("trustctl pki rotate switch: " + ca.resolve("next-ca.pem") + " is missing: "
                + ca + " is not a complete CA directory\n");

        Cli noDir = rotate("start", dir.resolve("nowhere"));
        assertThat(noDir.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noDir.err().lines()).singleElement().asString().startsWith("trustctl pki rotate start: no CA directory at ");
    }

    private static <T> T call(int port, X509Certificate trusted, Function<PkiServiceGrpc.PkiServiceBlockingStub, T> f)
            throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                .trustManager(new java.io.ByteArrayInputStream(Pem.encode(trusted).getBytes())).build()).build();
        try {
            return f.apply(PkiServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS));
        } finally {
            ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static GetCAResponse getCa(int port, X509Certificate trusted) throws Exception {
        return call(port, trusted, s -> s.getCA(GetCARequest.getDefaultInstance()));
    }

    /** Has the running PKI sign a CSR and returns the root at the end of the chain it answers. */
    private static X509Certificate issuerOfNewLeaf(int port, X509Certificate trusted) throws Exception {
        KeyPair keys = KeyType.EC_P256.generate();
        String csr = Pem.encode(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=db.alice"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        String chain = call(port, trusted, s -> s.signCSR(SignCSRRequest.newBuilder().setCsr(csr).build())).getChain();
        List<X509Certificate> certs = Pem.certificates(chain);
        X509Certificate root = certs.get(certs.size() - 1);
        certs.get(0).verify(root.getPublicKey());
        return root;
    }

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
}
