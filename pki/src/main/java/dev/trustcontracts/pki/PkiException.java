package dev.trustcontracts.pki;

/** A CA directory or a PKI operation that cannot go on; the message is one line for the operator. */
public final class PkiException extends RuntimeException {
    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
