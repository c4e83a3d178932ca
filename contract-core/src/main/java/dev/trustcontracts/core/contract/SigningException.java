package dev.trustcontracts.core.contract;

/** A contract that cannot be signed with the given key and chain; the message says why. */
public final class SigningException extends Exception {
    public SigningException(String message) {
        super(message);
    }
}
