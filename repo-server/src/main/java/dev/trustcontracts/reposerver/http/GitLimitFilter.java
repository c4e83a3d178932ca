package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.reposerver.ServerLimits;
import dev.trustcontracts.reposerver.ServerMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first filter on {@code /git/*}: bounds how many Git requests run at once (in all, and per client
 * address), answering 503 with {@code Retry-After} at once when full, so that Git can never take every request
 * thread; and cuts off a Git request whose client moves fewer than {@link ServerLimits#minDataRate()} bytes per
 * second while the request waits on it (a slow-loris body trickled a byte at a time, or an answer never read).
 *
 * <p>The rate is judged over the time the request's thread is blocked reading the body or writing the answer,
 * not over wall time, so a request that is busy computing a pack is never cut off. Jetty 12 keeps
 * {@code HttpConfiguration.setMinRequestDataRate} only as a stored value, hence this watchdog.
 */
final class GitLimitFilter implements Filter, AutoCloseable {
    static final int RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(GitLimitFilter.class);

    private final ServerLimits limits;
    private final ServerMetrics metrics;
    private final Semaphore slots;
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;

    GitLimitFilter(ServerLimits limits, ServerMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
        this.slots = new Semaphore(limits.gitRequests());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "git-data-rate");
            t.setDaemon(true);
            return t;
        });
        metrics.gauge("trustctl.server.git.requests.active", "Git requests in progress",
                () -> limits.gitRequests() - slots.availablePermits());
        if (limits.minDataRate() > 0) {
            watchdog.scheduleWithFixedDelay(this::judge, 250, 250, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        String client = String.valueOf(req.getRemoteAddr());
        AtomicInteger mine = perClient.compute(client, (k, v) -> {
            AtomicInteger n = v == null ? new AtomicInteger() : v;
            n.incrementAndGet();
            return n;
        });
        try {
            if (mine.get() > limits.gitPerClient()) {
                busy(res, "client", "too many Git requests from " + client + " at once; retry in "
                        + RETRY_AFTER_SECONDS + " s");
                return;
            }
            if (!slots.tryAcquire()) {
                busy(res, "server", "the server is serving too many Git requests; retry in " + RETRY_AFTER_SECONDS + " s");
                return;
            }
            Watch w = new Watch(req);
            active.add(w);
            try {
                chain.doFilter(new MeteredRequest(req, w), new MeteredResponse(res, w));
            } finally {
                active.remove(w);
                slots.release();
            }
        } finally {
            perClient.computeIfPresent(client, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        }
    }

    private void busy(HttpServletResponse res, String scope, String message) throws IOException {
        metrics.gitBusy(scope);
        res.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        res.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        res.setHeader("Connection", "close");
        res.setContentType("text/plain; charset=utf-8");
        res.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Cuts off every watched request that waited on its client too long for too few bytes. */
    private void judge() {
        long now = System.nanoTime();
        for (Watch w : active) {
            try {
                if (w.tooSlow(now, limits.minDataRate(), limits.dataRateGrace().toNanos())) {
                    active.remove(w);
                    metrics.gitTooSlow();
                    LOG.info("git: cut off a request from {}: {} bytes in {} ms of waiting on the client (minimum {} B/s)",
                            w.client, w.bytes, w.waitedNanos(now) / 1_000_000, limits.minDataRate());
                    w.abort();
                }
            } catch (RuntimeException e) {
                LOG.warn("git: cannot judge a request's data rate: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** The bytes a request moved and the time its thread spent blocked on the client. */
    private static final class Watch {
        private final HttpServletRequest request;
        private final String client;
        private volatile long bytes;
        private volatile long waited;
        /** When the current blocking read or write began; 0 outside one. */
        private volatile long since;

        Watch(HttpServletRequest request) {
            this.request = request;
            this.client = request.getRemoteAddr();
        }

        void enter() {
            long t = System.nanoTime();
            since = t == 0 ? 1 : t;
        }

        void exit(long moved) {
            long s = since;
            since = 0;
            if (s != 0) {
                waited += System.nanoTime() - s;
            }
            if (moved > 0) {
                bytes += moved;
            }
        }

        long waitedNanos(long now) {
            long s = since;
            return waited + (s == 0 ? 0 : now - s);
        }

        boolean tooSlow(long now, long minRate, long graceNanos) {
            long w = waitedNanos(now);
            return w > graceNanos && bytes < minRate * (w / 1_000_000L) / 1_000L;
        }

        void abort() {
            // closing the connection wakes the thread blocked in read or write with an IOException
            ServletContextRequest scr = ServletContextRequest.getServletContextRequest(request);
            if (scr != null) {
                TimeoutException cause = new TimeoutException("the client sends or reads too slowly");
                scr.getServletChannel().abort(cause);
                scr.getServletChannel().getEndPoint().close(cause);
            }
        }
    }

    private static final class MeteredRequest extends HttpServletRequestWrapper {
        private final Watch watch;
        private ServletInputStream in;

        MeteredRequest(HttpServletRequest request, Watch watch) {
            super(request);
            this.watch = watch;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
                in = new MeteredInput(super.getInputStream(), watch);
            }
            return in;
        }
    }

    private static final class MeteredInput extends ServletInputStream {
        private final ServletInputStream in;
        private final Watch watch;

        MeteredInput(ServletInputStream in, Watch watch) {
            this.in = in;
            this.watch = watch;
        }

        @Override
        public int read() throws IOException {
            watch.enter();
            int b = -1;
            try {
                b = in.read();
                return b;
            } finally {
                watch.exit(b < 0 ? 0 : 1);
            }
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            watch.enter();
            int n = -1;
            try {
                n = in.read(buf, off, len);
                return n;
            } finally {
                watch.exit(Math.max(n, 0));
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    private static final class MeteredResponse extends HttpServletResponseWrapper {
        private final Watch watch;
        private ServletOutputStream out;

        MeteredResponse(HttpServletResponse response, Watch watch) {
            super(response);
            this.watch = watch;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new MeteredOutput(super.getOutputStream(), watch);
            }
            return out;
        }
    }

    private static final class MeteredOutput extends ServletOutputStream {
        private final ServletOutputStream out;
        private final Watch watch;

        MeteredOutput(ServletOutputStream out, Watch watch) {
            this.out = out;
            this.watch = watch;
        }

        @Override
        public void write(int b) throws IOException {
            watch.enter();
            try {
                out.write(b);
            } finally {
                watch.exit(1);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            watch.enter();
            try {
                out.write(b, off, len);
            } finally {
                watch.exit(len);
            }
        }

        @Override
        public void flush() throws IOException {
            watch.enter();
            try {
                out.flush();
            } finally {
                watch.exit(0);
            }
        }

        @Override
        public void close() throws IOException {
            watch.enter();
            try {
                out.close();
            } finally {
                watch.exit(0);
            }
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
