package dev.trustcontracts.core.history;

/** A history that breaks a history rule or a bound; the message is one line naming the commit and the rule. */
public final class HistoryException extends Exception {
    public HistoryException(String message) {
        super(message);
    }
}
