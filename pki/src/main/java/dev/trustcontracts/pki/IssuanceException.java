package dev.trustcontracts.pki;

/** A certificate request the CA refuses; the message is one line saying why. */
public final class IssuanceException extends Exception {
    /** Why, in the terms a caller acts on. */
    public enum Reason {
        /** The request itself is broken: unreadable, a bad self-signature, a weak key, a SAN type never signed. */
        INVALID,
        /** The request is well formed but asks for what this CA's policy does not allow (a name). */
        FORBIDDEN,
        /** The CA cannot issue now (expired root, its serial record cannot be written). */
        UNAVAILABLE
    }

    private final Reason reason;

    public IssuanceException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public IssuanceException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
