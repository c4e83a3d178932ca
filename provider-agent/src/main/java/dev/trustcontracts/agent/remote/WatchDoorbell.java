package dev.trustcontracts.agent.remote;

import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to a repo-server's {@code WatchCertificates} and rings when it reports a commit other than
 * the applied one, so that the agent fetches at once. Only a doorbell: what the stream says is never
 * trusted, the agent still fetches and verifies Git. A broken stream is re-opened with backoff; polling
 * goes on regardless.
 */
public final class WatchDoorbell implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchDoorbell.class);

    private final String target;
    private final String ownHash;
    private final Runnable ring;
    private final Supplier<String> appliedCommit;
    private final AgentStatus status;
    private final ManagedChannel channel;
    private final ContractsServiceGrpc.ContractsServiceStub stub;
    private final Backoff backoff;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-notify");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private boolean warned;

    /**
     * A plaintext doorbell (the operator asked for --notify-plaintext).
     *
     * @param authorization an {@code authorization} metadata value ({@code Basic ...}) for a repo-server that
     *                      runs with {@code --private}, or null
     */
    public WatchDoorbell(String target, String ownHash, Runnable ring, Supplier<String> appliedCommit,
            AgentStatus status, Duration retry, String authorization) {
        this(target, GrpcChannels.plaintext(target), ownHash, ring, appliedCommit, status, retry, authorization);
    }

    /**
     * A doorbell over TLS; {@code trust} null uses the JVM's default trust store, {@code authorization} as
     * above.
     */
    public WatchDoorbell(String target, TrustManager trust, String ownHash, Runnable ring,
            Supplier<String> appliedCommit, AgentStatus status, Duration retry, String authorization) {
        this(target, GrpcChannels.tls(target, trust), ownHash, ring, appliedCommit, status, retry, authorization);
    }

    private WatchDoorbell(String target, ManagedChannel channel, String ownHash, Runnable ring,
            Supplier<String> appliedCommit, AgentStatus status, Duration retry, String authorization) {
        this.target = target;
        this.ownHash = ownHash;
        this.ring = ring;
        this.appliedCommit = appliedCommit;
        this.status = status;
        this.channel = channel;
        ContractsServiceGrpc.ContractsServiceStub plain = ContractsServiceGrpc.newStub(channel);
        if (authorization != null) {
            Metadata m = new Metadata();
            m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            plain = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        }
        this.stub = plain;
        this.backoff = new Backoff(retry);
    }

    public void start() {
        timer.execute(this::subscribe);
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        stub.watchCertificates(GetCertificatesRequest.newBuilder().setHash(ownHash).build(), new StreamObserver<>() {
            @Override
            public void onNext(GetCertificatesResponse r) {
                synchronized (WatchDoorbell.this) {
                    if (!status.isNotifyConnected()) {
                        LOG.info("notify: watching {} (main at {})", target, r.getCommit());
                    }
                    status.notifyConnected(true);
                    backoff.reset();
                    warned = false;
                }
                if (!r.getCommit().equals(appliedCommit.get())) {
                    status.doorbell();
                    ring.run();
                }
            }

            @Override
            public void onError(Throwable t) {
                String tls = GrpcChannels.tlsReason(t);
                reconnectLater(tls.isEmpty() ? t.getMessage() : t.getMessage() + ": " + tls);
            }

            @Override
            public void onCompleted() {
                reconnectLater("the server ended the stream");
            }
        });
    }

    private synchronized void reconnectLater(String why) {
        status.notifyConnected(false);
        if (closed) {
            return;
        }
        Duration d = backoff.nextAfterFailure();
        if (!warned) {
            LOG.warn("notify: {} unavailable ({}); polling continues, reconnecting with backoff", target, why);
            warned = true;
        }
        timer.schedule(this::subscribe, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        GrpcChannels.shutdown(channel);
        status.notifyConnected(false);
    }
}
