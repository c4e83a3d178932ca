package dev.trustcontracts.reposerver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An attack client: keeps {@code connections} raw sockets from {@code source} sending a git-upload-pack request
 * body one byte per {@code every}, reconnecting each one the server closes. Bounded: it stops at close() or
 * after {@code maxDuration}, whichever comes first.
 */
final class SlowLoris implements AutoCloseable {
    final AtomicInteger connects = new AtomicInteger();
    /** Connections the server answered 503 (no Git slot). */
    final AtomicInteger refused = new AtomicInteger();
    /** Connections the server closed without an answer (cut off below the minimum data rate). */
    final AtomicInteger cut = new AtomicInteger();
    /** Connections the server answered with anything but 503: neither refused nor cut, so counted apart. */
    final AtomicInteger answered = new AtomicInteger();
    private final InetSocketAddress target;
    private final String source;
    private final Socket[] sockets;
    private final Duration every;
    private final long deadline;
    private final Thread thread;
    private volatile boolean stop;

    SlowLoris(int port, String source, int connections, Duration every, Duration maxDuration) {
        this.target = new InetSocketAddress("127.0.0.1", port);
        this.source = source;
        this.sockets = new Socket[connections];
        this.every = every;
        this.deadline = System.nanoTime() + maxDuration.toNanos();
        this.thread = new Thread(this::run, "slow-loris-" + source);
        this.thread.setDaemon(true);
    }

    SlowLoris start() {
        thread.start();
        return this;
    }

    private void run() {
        byte[] buf = new byte[64];
        while (!stop && System.nanoTime() < deadline) {
            for (int i = 0; i < sockets.length && !stop; i++) {
                if (sockets[i] == null) {
                    sockets[i] = open();
                }
            }
            sleep(every);
            for (int i = 0; i < sockets.length; i++) {
                Socket s = sockets[i];
                if (s == null) {
                    continue;
                }
                try {
                    InputStream in = s.getInputStream();
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (SocketTimeoutException e) {
                        s.getOutputStream().write('0'); // still waiting for the body: one more byte
                        continue;
                    }
                    String head = n > 0 ? new String(buf, 0, n, StandardCharsets.ISO_8859_1) : "";
                    (n <= 0 ? cut : head.startsWith("HTTP/1.1 503") ? refused : answered).incrementAndGet();
                } catch (IOException e) {
                    cut.incrementAndGet();
                }
                closeQuietly(s);
                sockets[i] = null;
            }
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private Socket open() {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(target, 2_000);
            s.setSoTimeout(1);
            String req = "POST /git/contracts.git/git-upload-pack HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-git-upload-pack-request\r\nContent-Length: 100000\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            connects.incrementAndGet();
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }
}
