package dev.trustcontracts.agent.remote;

import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;

/**
 * The agent's gRPC channels (PKI, notify): TLS with the trust the caller gives (plaintext only when the
 * operator asked for it), sharing one small event-loop thread, so that an idle agent holds few threads
 * and little memory.
 */
public final class GrpcChannels {
    private static final EventLoopGroup LOOP = new NioEventLoopGroup(1, new DefaultThreadFactory("agent-grpc", true));

    private GrpcChannels() {
    }

    /** @param target HOST:PORT */
    public static ManagedChannel plaintext(String target) {
        return configure(NettyChannelBuilder.forTarget(target).usePlaintext());
    }

    /**
     * TLS to HOST:PORT; the server's certificate must satisfy {@code trust} and name the host dialled.
     *
     * @param trust null for the JVM's default trust store
     */
    public static ManagedChannel tls(String target, TrustManager trust) {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        if (trust != null) {
            b.trustManager(trust);
        }
        return configure(NettyChannelBuilder.forTarget(target, b.build()));
    }

    private static ManagedChannel configure(NettyChannelBuilder builder) {
        return builder
                .eventLoopGroup(LOOP)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                .idleTimeout(5, TimeUnit.MINUTES)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    /**
     * The TLS reason behind a failed call, for the one-line message ("the server's certificate chain does
     * not include the pinned zone root ..."); empty when the failure was not about TLS.
     */
    public static String tlsReason(Throwable t) {
        Throwable ssl = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.security.cert.CertificateException && c.getMessage() != null) {
                // the outermost certificate refusal: the pinned trust manager's, naming the pin
                return "TLS handshake refused: " + c.getMessage();
            }
            if (ssl == null && c instanceof javax.net.ssl.SSLException) {
                ssl = c;
            }
        }
        if (ssl == null) {
            return "";
        }
        Throwable root = ssl;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() != null ? root.getMessage() : ssl.getMessage();
        if (m != null && m.contains("not an SSL/TLS record")) {
            return "TLS handshake refused: the server does not speak TLS (a plaintext server? reaching one takes an "
                    + "explicit --pki-plaintext or --notify-plaintext)";
        }
        return "TLS handshake refused: " + (m == null ? ssl.getClass().getSimpleName() : m);
    }

    public static void shutdown(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
