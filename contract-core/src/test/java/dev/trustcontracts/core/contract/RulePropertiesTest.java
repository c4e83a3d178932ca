package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule and its properties, one row each. The rows pin the sets that were copied by hand before:
 * ScanCache's and TreeValidator's time rules, TreeValidator's and ProposalView's proposal rules, and
 * ProposalView's signature rules. A new rule must be added here, or {@link #everyRuleHasARow} fails.
 */
class RulePropertiesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // rule, time-dependent, blocks only changed files, allowed on proposals, concerns a signature
            "PARSE, false, false, false, false",
            "LAYOUT, false, false, false, false",
            "NAME, false, false, false, false",
            "ID, false, false, false, false",
            "PARTICIPANTS, false, false, false, false",
            "PARTICIPANT_NAME, false, false, false, false",
            "DUPLICATE_ROOT, false, false, false, false",
            "CERTIFICATE, false, false, false, false",
            "NOT_CA, false, false, false, false",
            "WEAK_KEY, false, false, false, false",
            "CERTIFICATE_VALIDITY, true, true, false, false",
            "HASH_MISMATCH, false, false, false, false",
            "WINDOW, false, false, false, false",
            "WINDOW_TOO_LONG, false, true, false, false",
            "NOT_YET_VALID, true, true, true, false",
            "EXPIRED, true, true, false, false",
            "SIGNATURE_MISSING, false, false, true, false",
            "SIGNATURE_INVALID, false, false, false, true",
            "SIGNATURE_UNEXPECTED, false, false, false, true",
            "SIGNER_CHAIN, false, false, false, true",
            "SIGNER_VALIDITY, true, true, false, true",
            "SIGNED_AT, true, true, false, true",
            "DUPLICATE_ID, false, false, false, false",
            "DUPLICATE_NAME, false, false, false, false",
            "FILE_TOO_LARGE, false, false, false, false",
            "TOO_MANY_FILES, false, false, false, false",
            "SYMLINK, false, false, false, false",
            "SUBMODULE, false, false, false, false",
            "UNEXPECTED_FILE, false, false, false, false"})
    void eachRuleHasItsProperties(Rule rule, boolean timeDependent, boolean blocksOnlyChanged,
            boolean allowedOnProposals, boolean concernsSignature) {
        assertThat(rule.isTimeDependent()).isEqualTo(timeDependent);
        assertThat(rule.blocksOnlyChangedFiles()).isEqualTo(blocksOnlyChanged);
        assertThat(rule.isAllowedOnProposals()).isEqualTo(allowedOnProposals);
        assertThat(rule.concernsSignature()).isEqualTo(concernsSignature);
    }

    @Test
    void everyRuleHasARow() {
        Set<Rule> time = EnumSet.noneOf(Rule.class);
        for (Rule r : Rule.values()) {
            if (r.isTimeDependent()) {
                time.add(r);
            }
        }
        // the agent's former ScanCache.TIME_RULES, verbatim
        assertThat(time).isEqualTo(EnumSet.of(Rule.NOT_YET_VALID, Rule.EXPIRED, Rule.CERTIFICATE_VALIDITY,
                Rule.SIGNER_VALIDITY, Rule.SIGNED_AT));
        assertThat(Rule.values()).as("one row per rule in the table above").hasSize(29);
    }
}
