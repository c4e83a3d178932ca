package dev.trustcontracts.agent;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The agent's gRPC channels (PKI, notify): plaintext, sharing one small event-loop thread, so that an idle
 * agent holds few threads and little memory.
 */
final class GrpcChannels {
    private static final EventLoopGroup LOOP = new NioEventLoopGroup(1, new DefaultThreadFactory("agent-grpc", true));

    private GrpcChannels() {
    }

    /** @param target HOST:PORT */
    static ManagedChannel plaintext(String target) {
        return NettyChannelBuilder.forTarget(target)
                .eventLoopGroup(LOOP)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                .usePlaintext()
                .idleTimeout(5, TimeUnit.MINUTES)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    static void shutdown(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
