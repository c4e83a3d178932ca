package dev.trustcontracts.agent;

import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The zone PKI over gRPC: GetCA and SignCSR, with the bearer token when one is configured. */
public final class PkiClient implements AutoCloseable {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(3);

    private final String target;
    private final ManagedChannel channel;
    private final PkiServiceGrpc.PkiServiceBlockingStub stub;
    private final Duration deadline;

    /**
     * @param token     the bearer token, or null
     * @param pin       the zone root the PKI's TLS chain must end in; null only with {@code plaintext}
     * @param plaintext talk without TLS (the operator asked for it)
     */
    public PkiClient(String target, String token, Duration deadline, PkiPin pin, boolean plaintext) {
        this(target, token, deadline, PinSet.of(pin), plaintext);
    }

    /**
     * @param pins the zone roots the PKI's TLS chain may end in (pinned, or learned through a rotation), shared with
     *             the {@link CertificateKeeper} that learns them; unpinned only with {@code plaintext}
     */
    PkiClient(String target, String token, Duration deadline, PinSet pins, boolean plaintext) {
        if (!plaintext && !pins.pinned()) {
            throw new IllegalArgumentException("a TLS PKI client needs a pinned root");
        }
        this.target = target;
        this.channel = plaintext ? GrpcChannels.plaintext(target)
                : GrpcChannels.tls(target, new PinnedRootTrustManager(pins));
        this.deadline = deadline;
        PkiServiceGrpc.PkiServiceBlockingStub s = PkiServiceGrpc.newBlockingStub(channel);
        if (token != null) {
            s = s.withCallCredentials(new Bearer(token));
        }
        this.stub = s;
    }

    public GetCAResponse getCa() throws SyncException {
        try {
            return stub().getCA(GetCARequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            throw failure("GetCA", e);
        }
    }

    public SignCSRResponse signCsr(String csrPem, Duration lifetime) throws SyncException {
        try {
            return stub().signCSR(SignCSRRequest.newBuilder()
                    .setCsr(csrPem).setLifetimeSeconds(lifetime.getSeconds()).build());
        } catch (StatusRuntimeException e) {
            throw failure("SignCSR", e);
        }
    }

    /**
     * A stub for one call. A channel that failed before stays failed (gRPC's reconnect backoff, sticky
     * transient failure) and would fail the call at once: the agent spaces its own attempts, so such a
     * channel reconnects now and the call waits briefly for it.
     */
    private PkiServiceGrpc.PkiServiceBlockingStub stub() {
        if (channel.getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
            long wait = Math.min(deadline.toMillis(), RECONNECT_WAIT.toMillis());
            return stub.withWaitForReady().withDeadlineAfter(wait, TimeUnit.MILLISECONDS);
        }
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private SyncException failure(String call, StatusRuntimeException e) {
        Status s = e.getStatus();
        String tls = GrpcChannels.tlsReason(e);
        String why = !tls.isEmpty() ? ": " + tls : s.getDescription() == null ? "" : ": " + s.getDescription();
        return new SyncException(FailureKind.PKI, "PKI " + target + " " + call + " failed: " + s.getCode() + why, e);
    }

    @Override
    public void close() {
        GrpcChannels.shutdown(channel);
    }

    /** Adds {@code authorization: Bearer TOKEN} to every call. */
    private static final class Bearer extends CallCredentials {
        private final String token;

        Bearer(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(m);
        }
    }
}
