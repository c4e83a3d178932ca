package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's {@code WatchCertificates} stream as a doorbell: every answer carries the primary's main, and
 * one that differs from the mirror's rings a fetch at once. What the stream says is never trusted (the fetch
 * and the history rules decide). The question names a root no contract lists (all zeros): the answers carry
 * only the commit. A broken stream is re-opened with doubling delays up to the poll interval; polling goes on.
 */
final class PrimaryDoorbell implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryDoorbell.class);
    /** A well-formed root fingerprint that no zone has: the stream's answers are the commit alone. */
    private static final String NOBODY = "0".repeat(64);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private final HostPort target;
    private final ManagedChannel channel;
    private final ContractsServiceGrpc.ContractsServiceStub stub;
    private final Consumer<String> ring;
    private final MirrorStatus status;
    private final ScheduledExecutorService timer;
    private final Duration maxRetry;
    private Duration retry = FIRST_RETRY;
    private boolean warned;
    private volatile boolean closed;

    /**
     * @param tls   whether the primary's gRPC port speaks TLS (it does when its Git URL is https)
     * @param trust the CA bundle's trust manager, or null for the JVM's
     * @param authorization {@code Basic ...} for a primary with {@code --private}, or null
     * @param ring  called with the primary's main as the stream reports it
     */
    PrimaryDoorbell(HostPort target, boolean tls, TrustManager trust, String authorization, Consumer<String> ring,
                    MirrorStatus status, ScheduledExecutorService timer, Duration maxRetry) {
        this.target = target;
        ChannelCredentials creds;
        if (tls) {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (trust != null) {
                b.trustManager(trust);
            }
            creds = b.build();
        } else {
            creds = InsecureChannelCredentials.create();
        }
        this.channel = Grpc.newChannelBuilderForAddress(target.host(), target.port(), creds)
                .idleTimeout(5, TimeUnit.MINUTES).build();
        ContractsServiceGrpc.ContractsServiceStub s = ContractsServiceGrpc.newStub(channel);
        if (authorization != null) {
            Metadata m = new Metadata();
            m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        }
        this.stub = s;
        this.ring = ring;
        this.status = status;
        this.timer = timer;
        this.maxRetry = maxRetry;
    }

    void start() {
        timer.execute(this::subscribe);
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        stub.watchCertificates(GetCertificatesRequest.newBuilder().setHash(NOBODY).build(), new StreamObserver<>() {
            @Override
            public void onNext(GetCertificatesResponse r) {
                synchronized (PrimaryDoorbell.this) {
                    if (!status.watchConnected()) {
                        LOG.info("mirror: watching the primary's stream at {}", target);
                    }
                    status.watchConnected(true);
                    retry = FIRST_RETRY;
                    warned = false;
                }
                ring.accept(r.getCommit());
            }

            @Override
            public void onError(Throwable t) {
                reconnectLater(t.getMessage());
            }

            @Override
            public void onCompleted() {
                reconnectLater("the primary ended the stream");
            }
        });
    }

    private synchronized void reconnectLater(String why) {
        status.watchConnected(false);
        if (closed) {
            return;
        }
        if (!warned) {
            LOG.warn("mirror: the primary's watch stream at {} is unavailable ({}); polling goes on, reconnecting",
                    target, why);
            warned = true;
        }
        Duration d = retry;
        retry = retry.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : retry.multipliedBy(2);
        try {
            timer.schedule(this::subscribe, d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.watchConnected(false);
    }
}
