package dev.trustcontracts.cli.demo;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.tls.ReloadingKeyManager;
import dev.trustcontracts.core.tls.ReloadingTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * An mTLS client loop (one or more workers) from one zone's agent files to another zone's service: each iteration a new TCP
 * connection and a full TLS 1.3 handshake (a fresh SSLContext each time, so no session is resumed and both
 * sides check the other's chain every time) followed by one HTTP request that must answer 200. The client
 * presents the agent's cert.pem/key.pem and trusts its chain.pem, re-read when the agent replaces them, as
 * the demo's MtlsService does on the server side. Every failure is kept with its time and reported at once.
 * {@code trustctl demo --rotate} and the rotation proof test run it through a root rotation.
 */
public final class HandshakeLoop implements AutoCloseable {
    /** One failed connection: when, which attempt, why. */
    public record Failure(Instant at, long attempt, String reason) {
        @Override
        public String toString() {
            return "handshake #" + attempt + " FAILED at " + at + ": " + reason;
        }
    }

    private final int port;
    private final ReloadingKeyManager keys;
    private final ReloadingTrustManager trust;
    private final Duration pace;
    private final Consumer<Failure> onFailure;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong ok = new AtomicLong();
    /** Time spent in successful handshakes and in their requests, for the report. */
    private final AtomicLong handshakeNanos = new AtomicLong();
    private final AtomicLong requestNanos = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final List<Failure> failures = new ArrayList<>();
    /** Handshakes per issuer of the client certificate presented (which root's leaf alice used). */
    private final Map<String, Long> byIssuer = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong attempts = new AtomicLong();
    private volatile boolean running = true;
    private Instant started;
    private Instant stopped;

    /**
     * @param workers how many connections are in flight at once (each worker connects, handshakes, asks, closes,
     *                and starts again); on a loaded machine a second worker keeps the rate when one waits for CPU
     * @param pace    the least time between the starts of two connections of one worker (to leave the loaded
     *                machine's CPU to the agents and servers); a worker runs as fast as it can below that rate
     * @param onFailure told of every failure as it happens (from a worker's thread)
     */
    public HandshakeLoop(int port, Path clientAgentOut, int workers, Duration pace, Consumer<Failure> onFailure)
            throws IOException, GeneralSecurityException {
        this.port = port;
        OutputLayout files = new OutputLayout(clientAgentOut);
        this.keys = new ReloadingKeyManager(files.cert(), files.key());
        this.trust = new ReloadingTrustManager(files.chain());
        this.pace = pace;
        this.onFailure = onFailure;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::run, "mtls-client-loop-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public void start() {
        started = Instant.now();
        threads.forEach(Thread::start);
    }

    private void run() {
        while (running) {
            long begin = System.nanoTime();
            long attempt = attempts.incrementAndGet();
            long cpu = CPU.getCurrentThreadCpuTime();
            String failure = once();
            cpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - cpu);
            if (failure != null) {
                Failure f = new Failure(Instant.now(), attempt, failure);
                synchronized (this) {
                    failures.add(f);
                }
                onFailure.accept(f);
            }
            long rest = pace.toNanos() - (System.nanoTime() - begin);
            if (rest > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One connection; null when the handshake and the request succeeded, else why not. */
    private String once() {
        String stage = null;
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(new KeyManager[] {keys}, new TrustManager[] {trust}, random);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true); // the request goes out at once, not after a delayed ACK
                long t = System.nanoTime();
                s.startHandshake();
                long shaken = System.nanoTime();
                Certificate[] mine = s.getSession().getLocalCertificates();
                stage = "the client's side of the handshake, presenting " + describe(mine);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!reply.startsWith("HTTP/1.1 200") && !reply.startsWith("HTTP/1.0 200")) {
                    return reply.isEmpty() ? "the server closed the connection without answering (client certificate refused)"
                            : "the server answered " + reply.lines().findFirst().orElse("");
                }
                String issuer = mine == null || mine.length == 0 ? "(no client certificate)"
                        : ((X509Certificate) mine[0]).getIssuerX500Principal().getName();
                requestNanos.addAndGet(System.nanoTime() - shaken);
                handshakeNanos.addAndGet(shaken - t);
                ok.incrementAndGet();
                synchronized (this) {
                    byIssuer.merge(issuer, 1L, Long::sum);
                }
                return null;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                why.append(why.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ")
                        .append(t.getMessage());
            }
            return why + (stage == null ? "" : " (after " + stage + ")");
        }
    }

    private static String describe(Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "no certificate";
        }
        X509Certificate leaf = (X509Certificate) chain[0];
        return "serial " + leaf.getSerialNumber().toString(16) + " from " + leaf.getIssuerX500Principal().getName()
                + " valid from " + leaf.getNotBefore().toInstant();
    }

    /** Handshakes that succeeded so far. */
    public long succeeded() {
        return ok.get();
    }

    /** Mean milliseconds of a successful handshake, and of the request after it. */
    public String meanTimes() {
        long n = Math.max(1, ok.get());
        return String.format("handshake %.1f ms, request %.1f ms, client CPU %.1f ms (means)",
                handshakeNanos.get() / 1e6 / n, requestNanos.get() / 1e6 / n, cpuNanos.get() / 1e6 / n);
    }

    /** Successful handshakes in which the client presented a certificate issued by {@code issuerName} (RFC 2253). */
    public synchronized long presentedFrom(String issuerName) {
        return byIssuer.getOrDefault(issuerName, 0L);
    }

    public synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    public synchronized Map<String, Long> byIssuer() {
        return Map.copyOf(byIssuer);
    }

    /** Stops after the connection in progress; returns the whole run's duration. */
    public Duration stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (stopped == null) {
            stopped = Instant.now();
        }
        return Duration.between(started, stopped);
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop();
        }
    }
}
