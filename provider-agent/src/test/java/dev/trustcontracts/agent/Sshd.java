package dev.trustcontracts.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH server on 127.0.0.1 (a free port) serving Git through {@code git-shell}: its own host
 * key, config and authorized_keys in a temporary directory; public-key login only, as the current user;
 * every session forced through {@code git-shell -c "$SSH_ORIGINAL_COMMAND"}. Started and stopped by the
 * test; tests are skipped, with the reason, when sshd, ssh-keygen or git-shell is missing.
 */
final class Sshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    final int port;
    final Path dir;
    final Path hostKey;
    private final Process process;
    private final Path log;

    private Sshd(int port, Path dir, Path hostKey, Process process, Path log) {
        this.port = port;
        this.dir = dir;
        this.hostKey = hostKey;
        this.process = process;
        this.log = log;
    }

    /** Skips the calling test when the tools are missing (run-tests installs openssh-server). */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(SSHD),
                "no /usr/sbin/sshd: install openssh-server (run-tests does) to test ssh:// remotes");
        Assumptions.assumeTrue(onPath("ssh-keygen"), "no ssh-keygen on PATH (Debian package openssh-client)");
        Assumptions.assumeTrue(onPath("git-shell"), "no git-shell on PATH (Debian package git)");
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A new key pair {@code name} and {@code name.pub} in {@code dir}, no passphrase. */
    static Path keygen(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()));
        return key;
    }

    /** Starts sshd letting in {@code authorizedKey} (a .pub file's content) as the current user. */
    static Sshd start(Path dir, String authorizedKey) throws IOException, InterruptedException {
        assumeAvailable();
        Files.createDirectories(dir);
        Path hostKey = keygen(dir, "ssh_host_ed25519_key");
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, authorizedKey.strip() + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "ListenAddress 127.0.0.1:" + port,
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorized,
                "StrictModes no",
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AuthenticationMethods publickey",
                "PermitRootLogin prohibit-password",
                "AllowUsers " + System.getProperty("user.name"),
                "AllowTcpForwarding no",
                "X11Forwarding no",
                "PermitTTY no",
                "MaxAuthTries 3",
                "LogLevel VERBOSE",
                "ForceCommand git-shell -c \"$SSH_ORIGINAL_COMMAND\"",
                ""));
        // Debian's sshd refuses to start without its privilege separation directory
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            try {
                Files.createDirectories(privsep);
            } catch (IOException e) {
                Assumptions.abort("sshd needs " + privsep + " and it cannot be created: " + e.getMessage());
            }
        }
        Path log = dir.resolve("sshd.log");
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Sshd sshd = new Sshd(port, dir, hostKey, p, log);
        sshd.awaitListening();
        return sshd;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("sshd exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("sshd did not listen within 60 s: " + log());
    }

    /** ssh://USER@127.0.0.1:PORT/ABSOLUTE-PATH */
    String url(Path repository) {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + repository.toAbsolutePath();
    }

    /** A known_hosts line pinning {@code publicKeyFile} (a .pub) for this server's address and port. */
    String knownHostsLine(Path publicKeyFile) throws IOException {
        String[] parts = Files.readString(publicKeyFile).strip().split("\\s+");
        return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n";
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
