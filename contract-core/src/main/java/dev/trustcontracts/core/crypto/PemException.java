package dev.trustcontracts.core.crypto;

/** PEM text that does not hold what was expected; the message says what and, where known, where. */
public final class PemException extends IllegalArgumentException {
    public PemException(String message) {
        super(message);
    }

    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
