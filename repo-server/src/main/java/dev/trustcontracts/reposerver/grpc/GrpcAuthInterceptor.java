package dev.trustcontracts.reposerver.grpc;

import dev.trustcontracts.reposerver.auth.Login;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * {@code --private} for gRPC: every call to {@code ContractsService} needs the same users as the HTTP side,
 * as HTTP Basic in the {@code authorization} metadata ({@code Basic base64(user:password)}), checked by the
 * server's one {@link Login} (its throttle and its constant-time hash compare). Anything else ends the call
 * with UNAUTHENTICATED before the service sees it.
 */
final class GrpcAuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Login login;

    GrpcAuthInterceptor(Login login) {
        this.login = login;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        String remote = address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (header == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("this server requires a login: HTTP Basic credentials "
                    + "in the 'authorization' metadata"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        Login.Result r = login.check(header, remote, Login.Channel.GRPC);
        Status refusal = switch (r.outcome()) {
            case LOGGED_IN -> null;
            case NO_CREDENTIALS, MALFORMED -> Status.UNAUTHENTICATED.withDescription("the 'authorization' metadata "
                    + "is not HTTP Basic user:password with a valid user name");
            // the same throttle as HTTP: answered at once, never by holding a worker thread
            case THROTTLED -> Status.RESOURCE_EXHAUSTED.withDescription("too many logins; retry in "
                    + r.retryAfterSeconds() + " s");
            case WRONG -> Status.UNAUTHENTICATED.withDescription("wrong user name or password");
        };
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return String.valueOf(a);
    }
}
