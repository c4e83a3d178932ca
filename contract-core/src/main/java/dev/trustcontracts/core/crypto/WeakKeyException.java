package dev.trustcontracts.core.crypto;

/** A key that is not on the accepted list or too weak; the message says what it is. */
public final class WeakKeyException extends Exception {
    public WeakKeyException(String message) {
        super(message);
    }
}
