package dev.trustcontracts.pki;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Records who calls (peer address, token identity) for the audit, and, when the PKI has a bearer token,
 * refuses with UNAUTHENTICATED every call that does not carry it; each refusal is an audit event.
 */
final class CallerInterceptor implements ServerInterceptor {
    private final BearerToken token;
    private final PkiAudit audit;

    /** @param token null when the PKI serves without a token */
    CallerInterceptor(BearerToken token, PkiAudit audit) {
        this.token = token;
        this.audit = audit;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        String method = call.getMethodDescriptor().getBareMethodName();
        String identity = "none";
        if (token != null) {
            String value = headers.get(BearerTokenInterceptor.AUTHORIZATION);
            if (value == null) {
                return refuse(call, method, peer, "missing",
                        "missing bearer token: send metadata 'authorization: Bearer <token>'");
            }
            if (!token.matchesHeader(value)) {
                return refuse(call, method, peer, "invalid", "invalid bearer token");
            }
            identity = token.identity();
        }
        Context ctx = Context.current().withValue(Caller.KEY, new Caller(peer, identity));
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String method, String peer, String presented,
            String why) {
        audit.refused(method, Status.Code.UNAUTHENTICATED.name(), why, new Caller(peer, presented));
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private static String peer(SocketAddress a) {
        if (a instanceof InetSocketAddress inet) {
            return (inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress())
                    + ":" + inet.getPort();
        }
        return a == null ? "unknown" : a.toString();
    }
}
