package dev.trustcontracts.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** C git's {@code git daemon} serving a directory on 127.0.0.1, for tests against a Git no one here wrote. */
public final class GitDaemon implements AutoCloseable {
    private final Path base;
    private int port;
    private Process process;

    private GitDaemon(Path base) {
        this.base = base;
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Serves every repository under {@code base} (read-only) on a free port. */
    public static GitDaemon start(Path base) throws IOException, InterruptedException {
        GitDaemon d = new GitDaemon(base);
        d.port = freePort();
        d.startOnPort();
        return d;
    }

    /** git://127.0.0.1:PORT/NAME */
    public String url(String name) {
        return "git://127.0.0.1:" + port + "/" + name;
    }

    /** Stops the daemon; the port stays reserved for {@link #restart()}. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /** Starts again on the same port. */
    public void restart() throws IOException, InterruptedException {
        startOnPort();
    }

    private void startOnPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            process = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                    "--port=" + port, "--base-path=" + base, base.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (connectable()) {
                    return;
                }
                Thread.sleep(50);
            }
            if (System.nanoTime() >= deadline) {
                throw new IOException("git daemon did not start listening on " + port);
            }
            // exited: the port was taken meanwhile, or is still in TIME_WAIT; wait and retry
            Thread.sleep(200);
        }
    }

    private boolean connectable() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
