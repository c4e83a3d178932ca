package dev.trustcontracts.core.contract;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * The problem as the server's JSON API and the CLI's {@code -o json} show it:
     * {@code {file, line, rule, participant, message, text}}, {@code text} being {@link #toString()}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("line", line);
        m.put("rule", rule.code());
        m.put("participant", participant);
        m.put("message", message);
        m.put("text", toString());
        return m;
    }

    /**
     * One line: {@code file:line: [rule] participant p: message}. Values from the input (a file name, a
     * contract's name) can hold line breaks and other control characters; they are escaped, so that a
     * pushed file cannot add lines of its own to a push refusal or a log (a fuzzing finding, docs/FUZZING.md).
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(oneLine(file));
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": [").append(rule.code()).append("] ");
        if (participant != null) {
            sb.append("participant ").append(oneLine(participant)).append(": ");
        }
        return sb.append(oneLine(message)).toString();
    }

    private static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
