package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.reposerver.UserStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void serverNeedsADataDirectoryAndValidAddresses() {
        assertThat(run("", "repo-server").err()).contains("--data");
        Ran bad = run("", "repo-server", "--data", tmp.toString(), "--listen", "nonsense");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("HOST:PORT");
        assertThat(run("", "repo-server", "--help").out()).contains("--grpc-listen").contains("--private");
    }
}
