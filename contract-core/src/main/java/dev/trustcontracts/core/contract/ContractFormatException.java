package dev.trustcontracts.core.contract;

/** A contract file that does not parse strictly; carries the line (0 when unknown) and the field path. */
public final class ContractFormatException extends Exception {
    private final int line;
    private final String field;

    public ContractFormatException(String message, int line, String field) {
        super(message);
        this.line = line;
        this.field = field;
    }

    /** 1-based line of the offending token, 0 when the format has no lines (protobuf). */
    public int line() {
        return line;
    }

    /** Dotted path of the field, for example participants[1].hash; empty at the top level. */
    public String field() {
        return field;
    }
}
