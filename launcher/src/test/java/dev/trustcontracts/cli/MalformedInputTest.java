package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that reads a file, over a corpus of malformed inputs (invalid UTF-8, binary garbage, an empty file,
 * a truncated PEM, a directory, a missing file, one huge line): the operator gets one short line that names the
 * file, and no Java class name or exception type, whatever the parser underneath threw.
 */
public class MalformedInputTest {
    /** What an operator must never see: a Java package, an exception type, our own class names. */
    public static final Pattern JAVA = Pattern.compile("java\\.|javax\\.|[A-Z]\\w+Exception|dev\\.trustcontracts");

    @TempDir
    Path dir;

    TestZone alice;
    TestZone bob;
    Path goodContract;
    Path goodKey;
    Path goodCert;
    Map<String, Function<String, Path>> corpus;

    @BeforeEach
    void setUp() throws IOException {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        goodContract = dir.resolve("good/alice-bob.yaml");
        Files.createDirectories(goodContract.getParent());
        Files.write(goodContract, ContractCodec.serialize(TestZone.draft("alice-bob", alice, bob), ContractFormat.YAML));
        goodKey = dir.resolve("good/admin-key.pem");
        Files.writeString(goodKey, Pem.encode(alice.signerKeys.getPrivate()));
        Files.setPosixFilePermissions(goodKey, PosixFilePermissions.fromString("rw-------"));
        goodCert = dir.resolve("good/admin.pem");
        Files.writeString(goodCert, Pem.encode(alice.signer));
        String pem = Pem.encode(alice.root);
        byte[] garbage = new byte[4096];
        new Random(13).nextBytes(garbage);
        byte[] huge = new byte[200_000];
        Arrays.fill(huge, (byte) 'x');
        corpus = new LinkedHashMap<>();
        corpus.put("invalid-utf8", ext -> file("invalid-utf8" + ext, "name: alice-bob\nid: \"\u00e9t\u00e9\"\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        corpus.put("utf8-middle-byte", ext -> file("middle" + ext, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xe2,
                (byte) 0x28, (byte) 0xa1, '\n'}));
        corpus.put("garbage", ext -> file("garbage" + ext, garbage));
        corpus.put("empty", ext -> file("empty" + ext, new byte[0]));
        corpus.put("truncated-pem", ext -> file("truncated" + ext,
                pem.substring(0, pem.length() / 2).getBytes(StandardCharsets.US_ASCII)));
        corpus.put("huge-line", ext -> file("huge" + ext, huge));
        corpus.put("directory", ext -> {
            Path d = dir.resolve("a-directory" + ext);
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return d;
        });
        corpus.put("missing", ext -> dir.resolve("missing" + ext));
    }

    @Test
    void contractShowVerifyAndSignNameTheFileInOneLine() {
        for (String ext : List.of(".yaml", ".pb")) {
            for (var input : corpus.entrySet()) {
                Path bad = input.getValue().apply(ext);
                String what = input.getKey() + ext;
                oneLine(what, bad, Cli.run("contract", "show", bad.toString()));
                oneLine(what, bad, Cli.run("contract", "verify", bad.toString()));
                oneLine(what, bad, Cli.run("contract", "verify", "-o", "json", bad.toString()));
                oneLine(what, bad, Cli.run("contract", "sign", bad.toString(), "--key", goodKey.toString(),
                        "--cert", goodCert.toString()));
            }
        }
    }

    @Test
    void signingKeysCertificatesAndChainsNameTheFileInOneLine() {
        for (var input : corpus.entrySet()) {
            Path bad = input.getValue().apply(".pem");
            String what = input.getKey();
            oneLine(what + " key", bad, Cli.run("contract", "sign", goodContract.toString(), "--key", bad.toString(),
                    "--cert", goodCert.toString()));
            oneLine(what + " cert", bad, Cli.run("contract", "sign", goodContract.toString(), "--key",
                    goodKey.toString(), "--cert", bad.toString()));
            oneLine(what + " chain", bad, Cli.run("contract", "sign", goodContract.toString(), "--key",
                    goodKey.toString(), "--cert", goodCert.toString(), "--chain", bad.toString()));
            oneLine(what + " participant", bad, Cli.run("contract", "new", "--name", "x-y", "--participant",
                    "x=" + bad, "--participant", "y=" + goodCert, "-o", dir.resolve("new/x-y.yaml").toString()));
        }
    }

    @Test
    void repoLintNamesTheBadFileAndNoClassName() throws IOException {
        for (var input : corpus.entrySet()) {
            if (input.getKey().equals("missing") || input.getKey().equals("directory")) {
                continue; // not a file of the checkout: Git tracks neither a missing file nor an empty directory
            }
            Path repo = dir.resolve("repo-" + input.getKey());
            Files.createDirectories(repo.resolve("contracts"));
            Path bad = input.getValue().apply(".yaml");
            Files.move(bad, repo.resolve("contracts/alice-bob.yaml"));
            Cli r = Cli.run("repo", "lint", repo.toString());
            assertThat(r.exit()).as(input.getKey() + ": " + r.out() + r.err()).isEqualTo(ExitCodes.INVALID);
            assertThat(r.out() + r.err()).as(input.getKey()).doesNotContainPattern(JAVA);
            assertThat(r.out().lines().filter(l -> l.startsWith("contracts/alice-bob.yaml")).toList())
                    .as(input.getKey() + ": " + r.out()).hasSize(1).allSatisfy(l -> assertThat(l.length()).isLessThan(400));
        }
    }

    @Test
    void pkiIssueNamesTheBrokenCaFileInOneLine() throws IOException {
        for (var input : corpus.entrySet()) {
            for (String which : List.of("certificate", "key")) {
                Path ca = dir.resolve("ca-" + input.getKey() + "-" + which);
                Cli init = Cli.run("pki", "init", "--dir", ca.toString(), "--name", "alice");
                assertThat(init.exit()).as(init.err()).isZero();
                CaLayout layout = new CaLayout(ca);
                Path target = which.equals("certificate") ? layout.certificate() : layout.privateKey();
                Path bad = input.getValue().apply(".pem");
                Files.delete(target);
                if (Files.exists(bad)) {
                    Files.move(bad, target);
                }
                Cli r = Cli.run("pki", "issue", "--dir", ca.toString(), "--name", "admin@alice", "--key-out",
                        dir.resolve("k-" + input.getKey() + which).toString(), "--cert-out",
                        dir.resolve("c-" + input.getKey() + which).toString());
                oneLine(input.getKey() + " " + which, target, r);
            }
        }
    }

    @Test
    void serverCaAndPasswordFilesNameTheFileInOneLine() throws IOException {
        for (var input : corpus.entrySet()) {
            Path bad = input.getValue().apply(".pem");
            if (Files.isRegularFile(bad)) {
                Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
            }
            oneLine(input.getKey() + " --ca", bad, Cli.run("server", "contracts", "--server", "https://127.0.0.1:9",
                    "--ca", bad.toString()));
            if (!List.of("truncated-pem", "garbage", "invalid-utf8").contains(input.getKey())) {
                // a first line that is text is a password like any other: only a file without one fails
                oneLine(input.getKey() + " --password-file", bad, Cli.run("server", "contracts", "--server",
                        "http://127.0.0.1:9", "--username", "alice-ops", "--password-file", bad.toString()));
            }
        }
    }

    private Path file(String name, byte[] content) {
        Path f = dir.resolve("corpus").resolve(name);
        try {
            Files.createDirectories(f.getParent());
            Files.write(f, content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return f;
    }

    /** The failure's report: one short line on stderr (or, for verify, the one problem line), naming the file. */
    static void oneLine(String what, Path file, Cli r) {
        assertThat(r.exit()).as(what + ": " + r.out() + r.err()).isNotZero();
        String report = r.err().isBlank() ? r.out() : r.err();
        if (report.trim().startsWith("{")) { // -o json: the problem is inside the document
            assertThat(report).as(what).contains(file.toString()).doesNotContainPattern(JAVA);
            return;
        }
        List<String> lines = new ArrayList<>(report.lines().toList());
        assertThat(lines).as(what + ": " + report).hasSize(1);
        assertThat(lines.get(0)).as(what).contains(file.toString()).doesNotContainPattern(JAVA);
        assertThat(lines.get(0).length()).as(what + ": " + lines.get(0)).isLessThan(400 + file.toString().length());
    }
}
