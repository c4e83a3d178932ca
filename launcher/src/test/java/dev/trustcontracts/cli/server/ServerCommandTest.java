package dev.trustcontracts.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.cli.Cli;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustctl server} against a real repo-server on 127.0.0.1 (port 0) holding contracts pushed with C git:
 * listings in text and JSON, a merge refused for a missing signature then accepted, a revocation refused for a
 * user of another zone then done, and every failure (wrong password, no login, closed port, unknown contract,
 * throttled login, no terminal to confirm on) as one line with its exit code.
 */
class ServerCommandTest {
    static final String PASSWORD = "a password for the test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    TestZone alice;
    TestZone bob;
    TestZone carol;
    RepoServer server;
    Path work;
    Path passwordFile;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(CGit.available(), "C git is needed");
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        RepoServerConfig config = RepoServerConfig.ephemeral(dir.resolve("server"));
        UserStore users = new UserStore(config.usersFile());
        PasswordHasher fast = new PasswordHasher(2_000);
        users.put("alice-ops", PASSWORD.toCharArray(), fast, Set.of("alice"), false);
        users.put("carol-ops", PASSWORD.toCharArray(), fast, Set.of("carol"), false);
        server = RepoServer.start(config);
        passwordFile = secret("password", PASSWORD + "\n");
        work = dir.resolve("work");
        String url = server.gitUrl().replaceFirst("^http://", "http://alice-ops:" + PASSWORD.replace(" ", "%20") + "@");
        git(dir, "clone", "-q", url, work.toString());
        git(work, "config", "user.name", "Alice Ops");
        git(work, "config", "user.email", "alice@example.invalid");
        push("main", "alice-bob", TestZone.signed("alice-bob", alice, bob), "add alice-bob");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listsContractsZonesAndHistoryAsColumnsAndAsTheServersJson() throws Exception {
        Cli list = server("contracts");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAME       PARTICIPANTS  EXPIRES");
        assertThat(lines.get(1)).startsWith("alice-bob  alice,bob     ");
        assertThat(lines.get(2)).isEqualTo("1 valid contract on main at " + server.index().current().commit());

        JsonNode json = JSON.readTree(server("contracts", "-o", "json").out());
        assertThat(json.get("total").asInt()).isEqualTo(1);
        assertThat(json.get("contracts").get(0).get("name").asText()).isEqualTo("alice-bob");

        Cli show = server("show", "alice-bob");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("contract   alice-bob").contains("path       contracts/alice-bob.yaml")
                .containsPattern("(?m)^alice\\s+[0-9a-f]{64}\\s+O=alice,CN=alice test root\\s+\\S+ by CN=admin@alice$")
                .contains("added in").contains("by alice-ops (add alice-bob)");
        assertThat(JSON.readTree(server("show", "alice-bob", "-o", "json").out()).at("/contract/participants/1/name")
                .asText()).isEqualTo("bob");

        Cli zones = server("zones");
        assertThat(zones.out()).containsPattern("(?m)^alice\\s+[0-9a-f]{64}\\s+1\\s+bob$").contains("2 zones on main");

        Cli history = server("history");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).containsPattern("(?m)^\\S+Z\\s+alice-ops\\s+added\\s+alice-bob\\s+[0-9a-f]{12}\\s+add "
                + "alice-bob$");
        JsonNode events = JSON.readTree(server("history", "--contract", "alice-bob", "-o", "json").out()).get("events");
        assertThat(events.get(0).at("/changes/0/change").asText()).isEqualTo("added");
    }

    @Test
    void mergeIsRefusedWithTheServersReasonUntilEveryoneSignedThenMerges() throws Exception {
        Contract draft = TestZone.draft("alice-carol", alice, carol);
        git(work, "checkout", "-q", "-b", "proposals/alice-carol");
        push("proposals/alice-carol", "alice-carol", alice.sign(draft), "propose alice-carol");

        Cli proposals = server("proposals");
        assertThat(proposals.out()).containsPattern("(?m)^proposals/alice-carol\\s+[0-9a-f]{12}\\s+no\\s+\\S.*\\S\\s+"
                + "propose alice-carol$");
        Cli proposal = server("proposal", "proposals/alice-carol");
        assertThat(proposal.out()).containsPattern("(?m)^alice-carol\\s+carol\\s+missing")
                .contains("missing    contracts/alice-carol.yaml: participant carol has not signed")
                .contains("NOT mergeable");

        Cli noTerminal = server("merge", "proposals/alice-carol", "--username", "alice-ops", "--password-file",
                passwordFile.toString());
        assertThat(noTerminal.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(oneLine(noTerminal)).contains("there is none").endsWith("add --yes");

        Cli refused = server("merge", "proposals/alice-carol", "--yes", "--username", "alice-ops",
                "--password-file", passwordFile.toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(oneLine(refused)).isEqualTo(
                "trustctl server merge: contracts/alice-carol.yaml: [signature-missing] participant carol: has not signed");

        push("proposals/alice-carol", "alice-carol", carol.sign(alice.sign(draft)), "carol signs");
        Cli merged = server("merge", "proposals/alice-carol", "--yes", "--username", "alice-ops",
                "--password-file", passwordFile.toString());
        assertThat(merged.exit()).as(merged.err()).isZero();
        assertThat(merged.out()).startsWith("merged proposals/alice-carol into main: " + server.index().current().commit());
        assertThat(server("contracts").out()).contains("alice-carol").contains("2 valid contracts");
    }

    @Test
    void revokeNeedsAUserOfTheContractsZones() throws Exception {
        Cli noLogin = server("revoke", "alice-bob", "--yes");
        assertThat(noLogin.exit()).isEqualTo(ExitCodes.DENIED);
        assertThat(oneLine(noLogin)).contains("the server needs a login: give --username and --password-file");

        Cli carolTries = server("revoke", "alice-bob", "--yes", "--username", "carol-ops", "--password-file",
                passwordFile.toString());
        assertThat(carolTries.exit()).isEqualTo(ExitCodes.DENIED);
        assertThat(oneLine(carolTries)).startsWith("trustctl server revoke: not allowed: carol-ops may not revoke "
                + "contract alice-bob").contains("[rule zone-revoke]");

        Cli json = server("revoke", "alice-bob", "--yes", "-o", "json", "--username", "alice-ops", "--password-file",
                passwordFile.toString());
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode done = JSON.readTree(json.out());
        assertThat(done.get("revoked").asBoolean()).isTrue();
        assertThat(done.get("path").asText()).isEqualTo("contracts/alice-bob.yaml");
        assertThat(server("contracts").out()).endsWith("0 valid contracts on main at " + done.get("commit").asText()
                + System.lineSeparator());

        Cli gone = server("show", "alice-bob");
        assertThat(gone.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        // the server answers 410 for a revoked contract, saying when and by whom
        assertThat(oneLine(gone)).startsWith("trustctl server show: contract 'alice-bob' was revoked: "
                + "contracts/alice-bob.yaml was deleted from main in commit " + done.get("commit").asText())
                .contains(" by alice-ops at ");
    }

    @Test
    void failuresAreOneLineWithAnExitCodeOfTheirKind() throws Exception {
        Path wrong = secret("wrong", "not the password 0\n");
        Cli badLogin = server("merge", "proposals/x", "--yes", "--username", "alice-ops", "--password-file",
                wrong.toString());
        assertThat(badLogin.exit()).isEqualTo(ExitCodes.DENIED);
        assertThat(oneLine(badLogin)).isEqualTo("trustctl server merge: login refused: wrong user name or password");
        // a few failures in a row and the name is throttled at once: said as such, with when to try again
        Cli throttled = badLogin;
        for (int i = 1; i < 10 && throttled.exit() == ExitCodes.DENIED; i++) {
            secret("wrong", "not the password " + i + "\n"); // the server remembers a refused pair
            throttled = server("merge", "proposals/x", "--yes", "--username", "alice-ops", "--password-file",
                    wrong.toString());
        }
        assertThat(throttled.exit()).isEqualTo(ExitCodes.BUSY);
        assertThat(oneLine(throttled)).startsWith("trustctl server merge: too many attempts: ")
                .containsPattern("try again in \\d+ s$");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Cli refused = Cli.run("server", "contracts", "--server", "http://127.0.0.1:" + closed);
        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(oneLine(refused)).isEqualTo("trustctl server contracts: cannot reach http://127.0.0.1:" + closed
                + ": connection refused");

        Cli noServer = Cli.run("server", "contracts");
        assertThat(noServer.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(oneLine(noServer)).contains("give --server URL or set TRUSTCTL_SERVER_URL");

        Cli notApi = Cli.run("server", "contracts", "--server", server.httpUrl() + "/nothing");
        assertThat(notApi.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(oneLine(notApi)).contains("has no trustctl API at /nothing/api/contracts");

        Cli tlsAtPlain = Cli.run("server", "contracts", "--server", server.httpUrl().replace("http:", "https:"));
        assertThat(oneLine(tlsAtPlain)).contains("does not speak TLS");

        Cli noPassword = server("contracts", "--username", "alice-ops");
        assertThat(noPassword.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(oneLine(noPassword)).contains("needs --password-file FILE or TRUSTCTL_SERVER_PASSWORD");

        Cli plainRemote = Cli.run("server", "contracts", "--server", "http://192.0.2.1:" + closed, "--timeout", "1s",
                "--username", "alice-ops", "--password-file", passwordFile.toString());
        assertThat(plainRemote.err().lines().findFirst().orElse(""))
                .isEqualTo("warning: the password travels unencrypted to http://192.0.2.1:" + closed + ": use https://");

        Cli badBranch = server("proposal", "../main");
        assertThat(badBranch.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(oneLine(badBranch)).contains("'../main' is not a branch name");
    }

    @Test
    void tlsIsCheckedAgainstTheGivenCaAndAnUntrustedServerIsSaidPlainly() throws Exception {
        server.close();
        TestZone serverZone = TestZone.create("server-zone");
        KeyPair keys = KeyType.EC_P256.generate();
        X509Certificate cert = CertificateIssuer.issue(serverZone.root, serverZone.rootKeys.getPrivate(),
                new X500Name("CN=contracts server"), keys.getPublic(), CertificateProfile.TLS,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(1)),
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        Path certFile = dir.resolve("server.pem");
        Path keyFile = secret("server.key", Pem.encode(keys.getPrivate()));
        Files.writeString(certFile, Pem.encode(List.of(cert, serverZone.root)));
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, Pem.encode(serverZone.root));
        Path otherCa = dir.resolve("other-ca.pem");
        Files.writeString(otherCa, Pem.encode(alice.root));
        server = RepoServer.start(RepoServerConfig.builder(dir.resolve("server")).ephemeralPorts()
                .tls(certFile, keyFile).build());
        assertThat(server.httpUrl()).startsWith("https://127.0.0.1:");

        Cli untrusted = server("contracts");
        assertThat(untrusted.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(oneLine(untrusted)).isEqualTo("trustctl server contracts: server certificate of " + server.httpUrl()
                + " not trusted (give --ca FILE, the CA that issued it)");
        Cli wrongCa = server("contracts", "--ca", otherCa.toString());
        assertThat(oneLine(wrongCa)).endsWith("not trusted: it does not chain to --ca");
        Cli trusted = server("contracts", "--ca", ca.toString());
        assertThat(trusted.exit()).as(trusted.err()).isZero();
        assertThat(trusted.out()).contains("alice-bob");
        Cli byName = Cli.run("server", "contracts", "--ca", ca.toString(), "--server",
                server.httpUrl().replace("127.0.0.1", "localhost"));
        assertThat(oneLine(byName)).endsWith("does not name localhost");
        Cli plain = Cli.run("server", "contracts", "--server", server.httpUrl().replace("https:", "http:"));
        assertThat(plain.exit()).isNotZero();
        oneLine(plain);
    }

    @Test
    void theServerAndTheLoginComeFromTheEnvironment() throws Exception {
        Contract draft = TestZone.draft("alice-carol", alice, carol);
        git(work, "checkout", "-q", "-b", "proposals/alice-carol");
        push("proposals/alice-carol", "alice-carol", carol.sign(alice.sign(draft)), "propose alice-carol");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.trustcontracts.cli.Trustctl",
                "server", "merge", "proposals/alice-carol", "--yes", "-o", "json");
        pb.environment().put("TRUSTCTL_SERVER_URL", server.httpUrl());
        pb.environment().put("TRUSTCTL_SERVER_USERNAME", "alice-ops");
        pb.environment().put("TRUSTCTL_SERVER_PASSWORD", PASSWORD);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(JSON.readTree(out).get("merged").asBoolean()).isTrue();
    }

    @Test
    void mergeAsksOnATerminalAndMergesOnlyOnYes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) gives the command a terminal");
        Contract draft = TestZone.draft("alice-carol", alice, carol);
        git(work, "checkout", "-q", "-b", "proposals/alice-carol");
        push("proposals/alice-carol", "alice-carol", carol.sign(alice.sign(draft)), "propose alice-carol");
        String mainBefore = server.index().current().commit();

        Terminal no = onTerminal("n\n", "server", "merge", "proposals/alice-carol");
        assertThat(no.exit()).as(no.out()).isEqualTo(ExitCodes.FAILURE);
        assertThat(no.out()).contains("proposal   proposals/alice-carol at ").contains("status     mergeable")
                .contains("Merge proposals/alice-carol into main on " + server.httpUrl() + "? [y/N]")
                .contains("not confirmed: nothing was done");
        assertThat(server.index().current().commit()).isEqualTo(mainBefore);

        Terminal yes = onTerminal("y\n", "server", "merge", "proposals/alice-carol");
        assertThat(yes.exit()).as(yes.out()).isZero();
        assertThat(yes.out()).contains("merged proposals/alice-carol into main: ");
        assertThat(server.index().current().commit()).isNotEqualTo(mainBefore);
    }

    record Terminal(int exit, String out) {
    }

    /** trustctl in a JVM of its own on a pseudo-terminal (script(1)), typing {@code input}, logged in from the environment. */
    Terminal onTerminal(String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.trustcontracts.cli.Trustctl"));
        command.addAll(List.of(args));
        String line = String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-q", "-e", "-c", line, "/dev/null");
        pb.environment().put("TRUSTCTL_SERVER_URL", server.httpUrl());
        pb.environment().put("TRUSTCTL_SERVER_USERNAME", "alice-ops");
        pb.environment().put("TRUSTCTL_SERVER_PASSWORD", PASSWORD);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        // typed once the question is on the screen: the terminal would drop what came before the prompt's read
        StringBuilder seen = new StringBuilder();
        var in = p.getInputStream();
        byte[] buf = new byte[8192];
        boolean typed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int n;
        while ((n = in.read(buf)) >= 0 && System.nanoTime() < deadline) {
            seen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            if (!typed && seen.toString().contains("[y/N]")) {
                p.getOutputStream().write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                typed = true;
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Terminal(p.exitValue(), seen.toString().replace("\r", ""));
    }

    /** Runs {@code trustctl server ARGS --server URL}. */
    Cli server(String... args) {
        List<String> all = new ArrayList<>(List.of("server"));
        all.addAll(List.of(args));
        all.add("--server");
        all.add(server.httpUrl());
        return Cli.run(all.toArray(String[]::new));
    }

    /** The one line on stderr, with no Java type name in it (MalformedInputTest's pattern). */
    static String oneLine(Cli r) {
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContainPattern(dev.trustcontracts.cli.MalformedInputTest.JAVA);
        return r.err().strip();
    }

    Path secret(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    void push(String branch, String name, Contract c, String message) throws IOException {
        Path file = work.resolve("contracts/" + name + ".yaml");
        Files.createDirectories(file.getParent());
        Files.write(file, ContractCodec.serialize(c, ContractFormat.YAML));
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", message);
        git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
    }

    static String git(Path in, String... args) throws IOException {
        CGit.Run r = CGit.run(in, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out().strip();
    }
}
