package dev.trustcontracts.core.contract;

import java.time.Instant;

/**
 * A time-dependent condition found during verification: the contract holds only while now is inside
 * {@code [notBefore, notAfter]}. Kept apart from the static checks so that a cached verification can be
 * re-judged cheaply at any later time.
 */
public record TimeBound(Rule rule, String participant, String what, Instant notBefore, Instant notAfter) {

    /** The problem this bound makes at {@code now}, or null when now is inside it. */
    Problem problemAt(String file, Instant now) {
        if (now.isBefore(notBefore)) {
            if (rule == Rule.SIGNED_AT) {
                return new Problem(file, 0, rule, participant, what); // what already says it is in the future
            }
            Rule r = rule == Rule.EXPIRED ? Rule.NOT_YET_VALID : rule;
            return new Problem(file, 0, r, participant, what + " is not valid before " + notBefore);
        }
        if (now.isAfter(notAfter)) {
            return new Problem(file, 0, rule, participant, what + " expired at " + notAfter);
        }
        return null;
    }
}
