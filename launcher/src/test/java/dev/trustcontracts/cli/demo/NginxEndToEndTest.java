package dev.trustcontracts.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx (Debian's) as bob's mTLS server, reading the files bob's agent writes; the agent's
 * --on-change reloads it. curl, with alice's agent files, gets 200 only while the contract exists.
 */
class NginxEndToEndTest {
    @TempDir
    Path dir;
    private Process nginx;

    @AfterEach
    void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    static String nginxBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }

    @Test
    void nginxFollowsTheContract() throws Exception {
        assumeTrue(onPath("nginx"), "nginx is not installed (Debian package nginx; ./run-tests installs it): skipped");
        assumeTrue(onPath("curl"), "curl is not installed: skipped");
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String reload = nginxBinary() + " -p " + prefix + " -c " + conf + " -s reload";
        StringWriter text = new StringWriter();
        try (TwoZoneDemo demo = new TwoZoneDemo(dir.resolve("demo"), new Narrator(new PrintWriter(text, true)),
                Duration.ofSeconds(5), reload)) {
            demo.start();
            Path bob = demo.bob().out();
            Path alice = demo.alice().out();
            Files.writeString(conf, NginxMtlsConfig.config(prefix, bob, port));
            nginx = new ProcessBuilder(nginxBinary(), "-p", prefix.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
            awaitPort(port);

            assertThat(curl(alice, port, true).exit()).as("no contract: alice cannot verify bob").isNotZero();
            assertThat(curl(alice, port, false).status()).as("no contract: nginx refuses alice's certificate")
                    .isEqualTo("400");

            demo.propose();
            demo.cosign();
            assertThat(demo.merge()).startsWith("200");
            Curl ok = await(() -> curl(alice, port, true), c -> c.exit() == 0 && c.status().equals("200"));
            assertThat(ok.body()).contains("hello from bob's nginx").contains("svc.alice");

            demo.revoke();
            Curl refused = await(() -> curl(alice, port, false), c -> c.status().equals("400"));
            assertThat(refused.status()).as("nginx reloaded without alice's root").isEqualTo("400");
            // the two agents update independently: bob's nginx may refuse alice before alice's chain.pem drops bob
            Curl distrusted = await(() -> curl(alice, port, true), c -> c.exit() != 0);
            assertThat(distrusted.exit()).as("alice no longer trusts bob").isNotZero();
        }
    }

    record Curl(int exit, String status, String body) {
    }

    /** curl with alice's agent files; {@code verify} false skips checking bob's server certificate. */
    static Curl curl(Path aliceOut, int port, boolean verify) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10",
                "--cert", aliceOut.resolve("cert.pem").toString(), "--key", aliceOut.resolve("key.pem").toString(),
                "-w", "\n%{http_code}", "--resolve", "svc.bob:" + port + ":127.0.0.1"));
        if (verify) {
            cmd.addAll(List.of("--cacert", aliceOut.resolve("chain.pem").toString()));
        } else {
            cmd.add("-k");
        }
        cmd.add("https://svc.bob:" + port + "/");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int exit = p.waitFor();
            int nl = out.lastIndexOf('\n');
            return new Curl(exit, nl < 0 ? out : out.substring(nl + 1), nl < 0 ? "" : out.substring(0, nl));
        } catch (IOException | InterruptedException e) {
            return new Curl(-1, "", e.toString());
        }
    }

    static Curl await(java.util.function.Supplier<Curl> call, java.util.function.Predicate<Curl> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        Curl c = call.get();
        while (!done.test(c) && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(100);
            c = call.get();
        }
        return c;
    }

    static void awaitPort(int port) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not open port " + port);
    }
}
