package dev.trustcontracts.core.contract;

/** Every validity rule, with the stable code that problems, logs, metrics and push rejections carry. */
public enum Rule {
    PARSE("parse", "the file must parse strictly"),
    LAYOUT("layout", "contracts live at contracts/<name>.yaml|.yml|.pb"),
    NAME("name", "the name is a DNS label equal to the file name"),
    ID("id", "the id is 32 lowercase hex digits"),
    PARTICIPANTS("participants", "at least two participants"),
    PARTICIPANT_NAME("participant-name", "participant names are DNS labels, distinct"),
    DUPLICATE_ROOT("duplicate-root", "every listed root (current or next) is distinct"),
    CERTIFICATE("certificate", "each participant's certificate (and next root) is exactly one PEM CERTIFICATE block"),
    NOT_CA("not-ca", "each participant certificate is a CA with keyCertSign"),
    WEAK_KEY("weak-key", "keys are RSA >= 2048, EC P-256/P-384 or Ed25519"),
    CERTIFICATE_VALIDITY("certificate-validity", "each root is currently valid"),
    HASH_MISMATCH("hash-mismatch", "each declared hash is the certificate's SHA-256"),
    WINDOW("window", "not_before and not_after are set, in order"),
    WINDOW_TOO_LONG("window-too-long", "not_after - not_before is at most the maximum window (default 400 days)"),
    NOT_YET_VALID("not-yet-valid", "now is not before not_before"),
    EXPIRED("expired", "now is not after not_after"),
    SIGNATURE_MISSING("signature-missing", "every participant signs, with each of its roots when it lists a next root"),
    SIGNATURE_INVALID("signature-invalid", "each signature verifies over the signing payload"),
    SIGNATURE_UNEXPECTED("signature-unexpected", "one signature per participant root, none for strangers"),
    SIGNER_CHAIN("signer-chain", "the signer is a contract signer chaining to one of the participant's roots"),
    SIGNER_VALIDITY("signer-validity", "the signer's certificates are currently valid"),
    SIGNED_AT("signed-at", "each signed_at lies inside the window and not in the future (5 minutes' skew)"),
    DUPLICATE_ID("duplicate-id", "ids are unique in the tree"),
    DUPLICATE_NAME("duplicate-name", "one file per contract name"),
    FILE_TOO_LARGE("file-too-large", "contract files are small"),
    TOO_MANY_FILES("too-many-files", "the tree holds a bounded number of files"),
    SYMLINK("symlink", "no symbolic links"),
    SUBMODULE("submodule", "no submodules"),
    UNEXPECTED_FILE("unexpected-file", "nothing but contracts under contracts/");

    private final String code;
    private final String summary;

    Rule(String code, String summary) {
        this.code = code;
        this.summary = summary;
    }

    public String code() {
        return code;
    }

    /** What the rule requires, in a few words. */
    public String summary() {
        return summary;
    }

    /**
     * Whether a problem under this rule comes and goes with the clock (a window or a certificate that has
     * not started or has ended, a signature dated in the future): a verification cached at one instant is
     * judged again at the next.
     */
    public boolean isTimeDependent() {
        return switch (this) {
            case NOT_YET_VALID, EXPIRED, CERTIFICATE_VALIDITY, SIGNER_VALIDITY, SIGNED_AT -> true;
            default -> false;
        };
    }

    /**
     * Whether a file already on main may break this rule without any push touching it: the time-dependent
     * rules, and the lifetime limit a file may predate (a configured shorter window). The server warns about
     * such a problem in a file a push leaves alone and blocks it only in a file the push changes.
     */
    public boolean blocksOnlyChangedFiles() {
        return isTimeDependent() || this == WINDOW_TOO_LONG;
    }

    /**
     * Whether a proposal may carry a problem under this rule while main may not: a proposal collects its
     * signatures and may start later. While one remains, the proposal cannot merge.
     */
    public boolean isAllowedOnProposals() {
        return this == SIGNATURE_MISSING || this == NOT_YET_VALID;
    }

    /** Whether the rule judges a participant's signature itself (its value, its chain, its date). */
    public boolean concernsSignature() {
        return switch (this) {
            case SIGNATURE_INVALID, SIGNATURE_UNEXPECTED, SIGNER_CHAIN, SIGNER_VALIDITY, SIGNED_AT -> true;
            default -> false;
        };
    }
}
