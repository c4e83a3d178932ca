package dev.trustcontracts.pki;

import io.grpc.Context;

/**
 * Who made a PKI call, for the audit: the peer address and the identity of the token it presented
 * ({@code none} when the PKI takes no token; {@code missing} or {@code invalid} on a refusal).
 */
public record Caller(String peer, String token) {
    static final Context.Key<Caller> KEY = Context.key("trustctl-pki-caller");
    static final Caller UNKNOWN = new Caller("unknown", "none");

    /** The caller of the current call, as {@link CallerInterceptor} recorded it. */
    static Caller current() {
        Caller c = KEY.get();
        return c == null ? UNKNOWN : c;
    }
}
