package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RepoServerCommandTest {
    @TempDir
    Path tmp;

    private record Ran(int exit, String out, String err) {
    }

    private static Ran run(String stdin, String... args) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            CommandLine cl = Trustctl.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(args);
            return new Ran(exit, out.toString(), err.toString());
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void userAddReadsThePasswordFromStdinAndStoresAHash() throws Exception {
        Path users = tmp.resolve("users");
        Ran r = run("a long password\n", "repo-server", "user", "add", "alice", "--users", users.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("added user alice");
        assertThat(Files.readString(users)).contains("alice:pbkdf2-sha256$600000$").doesNotContain("a long password");
        assertThat(new UserStore(users).authenticate("alice", "a long password".toCharArray())).isTrue();

        Ran again = run("another password\n", "repo-server", "user", "add", "alice", "--data", tmp.toString());
        assertThat(again.out()).contains("updated user alice in " + tmp.resolve("users"));
    }

    @Test
    void userAddRefusesBadInput() {
        assertThat(run("pw\n", "repo-server", "user", "add", "alice", "--users", tmp.resolve("u").toString()).exit())
                .as("short password").isEqualTo(ExitCodes.USAGE);
        assertThat(run("", "repo-server", "user", "add", "alice", "--users", tmp.resolve("u").toString()).err())
                .contains("no password on standard input");
        assertThat(run("long enough pw\n", "repo-server", "user", "add", "Not_Valid", "--users",
                tmp.resolve("u").toString()).err()).contains("is not valid");
        assertThat(run("long enough pw\n", "repo-server", "user", "add", "bob").err()).contains("--users FILE or --data DIR");
    }

    @Test
    void userCommandsManageZonesAndLogEveryChangeAsAJsonLine() throws Exception {
        Path users = tmp.resolve("users");
        Path audit = tmp.resolve("audit.jsonl");
        String[] where = {"--users", users.toString(), "--audit-log", audit.toString()};
        try {
            Ran add = run("password of alice\n", concat(new String[] {"repo-server", "user", "add", "alice-ops",
                "--zone", "alice", "--zone", "bob"}, where));
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("added user alice-ops in " + users + " (zones alice, bob)");
            assertThat(run("password of root\n", concat(new String[] {"repo-server", "user", "add", "root", "--admin"},
                    where)).exit()).isZero();
            Ran plain = run("password of legacy\n", concat(new String[] {"repo-server", "user", "add", "plain"}, where));
            assertThat(plain.out()).contains("note: plain has no zone");

            Ran zones = run("", concat(new String[] {"repo-server", "user", "zones", "alice-ops", "--add", "carol",
                "--remove", "bob"}, where));
            assertThat(zones.exit()).as(zones.err()).isZero();
            assertThat(zones.out()).contains("alice-ops: zones alice, carol");
            Ran badZone = run("", concat(new String[] {"repo-server", "user", "zones", "alice-ops", "--add", "Bad Zone"},
                    where));
            assertThat(badZone.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(badZone.err()).contains("zone 'Bad Zone' is not a participant name");

            Ran passwd = run("a new password\n", concat(new String[] {"repo-server", "user", "passwd", "alice-ops"},
                    where));
            assertThat(passwd.exit()).as(passwd.err()).isZero();
            assertThat(new UserStore(users).authenticate("alice-ops", "a new password".toCharArray())).isTrue();
            assertThat(new UserStore(users).access("alice-ops").zones()).containsExactlyInAnyOrder("alice", "carol");

            Ran remove = run("", concat(new String[] {"repo-server", "user", "remove", "plain"}, where));
            assertThat(remove.exit()).as(remove.err()).isZero();
            assertThat(run("", concat(new String[] {"repo-server", "user", "remove", "plain"}, where)).err())
                    .contains("no user 'plain'");

            Ran list = run("", "repo-server", "user", "list", "--users", users.toString());
            assertThat(list.out()).contains("NAME").containsPattern("alice-ops +alice,carol +no")
                    .containsPattern("root +- +yes").doesNotContain("plain");
            Ran json = run("", "repo-server", "user", "list", "--users", users.toString(), "-o", "json");
            var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
            assertThat(tree.get("users").get(0).get("name").asText()).isEqualTo("alice-ops");
            assertThat(tree.get("users").get(0).get("zones").toString()).isEqualTo("[\"alice\",\"carol\"]");
            assertThat(tree.get("users").get(1).get("admin").asBoolean()).isTrue();

            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            java.util.List<String> actions = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(audit)) {
                var n = mapper.readTree(line);
                assertThat(n.get("timestamp").asLong()).isPositive();
                java.util.Map<String, String> kv = new java.util.HashMap<>();
                n.get("kvpList").forEach(p -> p.fields().forEachRemaining(e -> kv.put(e.getKey(), e.getValue().asText())));
                assertThat(kv.get("event")).isEqualTo("config-change");
                assertThat(n.get("formattedMessage").asText()).startsWith("configuration change: user-");
                actions.add(kv.get("action") + " " + kv.get("target") + " " + kv.get("details"));
            }
            assertThat(actions).containsExactly(
                    "user-add alice-ops zones=alice,bob; admin=false",
                    "user-add root zones=; admin=true",
                    "user-add plain zones=; admin=false",
                    "user-zones alice-ops zones=alice,carol; admin=false; before: zones=alice,bob, admin=false",
                    "user-passwd alice-ops ",
                    "user-remove plain ");
            assertThat(Files.readString(audit)).doesNotContain("password");
        } finally {
            var ctx = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            ctx.getLogger(dev.trustcontracts.reposerver.Audit.LOGGER).detachAndStopAllAppenders();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void serverNeedsADataDirectoryAndValidAddresses() {
        assertThat(run("", "repo-server").err()).contains("--data");
        Ran bad = run("", "repo-server", "--data", tmp.toString(), "--listen", "nonsense");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("HOST:PORT");
        assertThat(run("", "repo-server", "--help").out()).contains("--grpc-listen").contains("--private")
                .contains("--audit-log");
    }

    @Test
    void withoutTlsTheServerListensOnLoopbackOnlyUnlessPlaintextIsAskedFor() {
        Ran open = run("", "repo-server", "--data", tmp.resolve("d").toString(), "--listen", "0.0.0.0:0");
        assertThat(open.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(open.err().lines()).singleElement().asString()
                .contains("without --tls-cert/--tls-key the server listens on loopback only").contains("--plaintext");
        assertThat(tmp.resolve("d")).as("nothing created").doesNotExist();
    }

    @Test
    void mirrorOptionsAreCheckedWithOneLineEach() throws Exception {
        String data = tmp.resolve("m").toString();
        Ran secret = run("", "repo-server", "--data", data, "--mirror-of", "http://u:pw@127.0.0.1:1/git/contracts.git");
        assertThat(secret.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(secret.err().lines()).first().asString().contains("no credentials in the URL")
                .contains("--mirror-credentials").doesNotContain("pw");
        Ran ssh = run("", "repo-server", "--data", data, "--mirror-of", "ssh://git@127.0.0.1/contracts.git");
        assertThat(ssh.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ssh.err()).contains("is not an http:// or https:// URL");
        Ran alone = run("", "repo-server", "--data", data, "--mirror-watch", "127.0.0.1:9090");
        assertThat(alone.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(alone.err()).contains("go with --mirror-of");
        Ran ca = run("", "repo-server", "--data", data, "--mirror-of", "http://127.0.0.1:1/git/contracts.git",
                "--mirror-ca", tmp.resolve("ca.pem").toString());
        assertThat(ca.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ca.err()).contains("--mirror-ca is for an https:// primary");
        // a mirror copies the primary's heartbeat: a second signer would overwrite it
        Ran signer = run("", "repo-server", "--data", data, "--mirror-of", "http://127.0.0.1:1/git/contracts.git",
                "--heartbeat-key", tmp.resolve("hb.key").toString(), "--heartbeat-cert", tmp.resolve("hb.pem").toString());
        assertThat(signer.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(signer.err().lines()).first().asString().contains("a mirror serves its primary's heartbeat");

        // a fresh mirror whose primary is down: nothing to serve, one line, no stack trace
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/git/contracts.git";
        Ran down = run("", "repo-server", "--data", data, "--listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0",
                "--mirror-of", url);
        assertThat(down.exit()).isNotZero();
        assertThat(down.err().lines()).singleElement().asString()
                .contains("cannot start: mirror of " + url + ": no main to serve yet, and cannot fetch from the primary");
    }
}
