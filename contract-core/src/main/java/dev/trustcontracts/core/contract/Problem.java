package dev.trustcontracts.core.contract;

/**
 * One broken rule in one file.
 *
 * @param file        repository path or file name
 * @param line        1-based line, 0 when not known
 * @param rule        the rule broken
 * @param participant the participant concerned, or null
 * @param message     what is wrong, for people
 */
public record Problem(String file, int line, Rule rule, String participant, String message) {

    public static Problem of(String file, Rule rule, String message) {
        return new Problem(file, 0, rule, null, message);
    }

    public static Problem of(String file, Rule rule, String participant, String message) {
        return new Problem(file, 0, rule, participant, message);
    }

    /** One line: {@code file:line: [rule] participant p: message}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": [").append(rule.code()).append("] ");
        if (participant != null) {
            sb.append("participant ").append(participant).append(": ");
        }
        return sb.append(message).toString();
    }
}
