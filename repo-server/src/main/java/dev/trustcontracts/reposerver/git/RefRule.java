package dev.trustcontracts.reposerver.git;

/**
 * The rules on refs themselves (not on the contracts a commit carries), by the code that refusals, the push
 * report and the metrics name them with.
 */
enum RefRule {
    /** Only {@code main} and plainly named proposal branches ({@link RefNamePolicy}). */
    REF_NAME("ref-name"),
    /** A branch must point at a commit. */
    NOT_A_COMMIT("not-a-commit"),
    /** Main is never deleted. */
    DELETE_MAIN("delete-main"),
    /** Main only moves forward, from the commit it was judged at. */
    NON_FAST_FORWARD("non-fast-forward"),
    /** Main only moves along first parents. */
    FIRST_PARENT("first-parent"),
    /** The ref could not be moved (another writer held it). */
    LOCK_FAILURE("lock-failure"),
    /** A contract id removed from main's history comes back. */
    REPLAY("replay"),
    /** Deleting or rewriting a proposal is for its creator or an admin. */
    BRANCH_OWNER("branch-owner");

    private final String code;

    RefRule(String code) {
        this.code = code;
    }

    /** The name in refusals and metrics, for example {@code non-fast-forward}. */
    String code() {
        return code;
    }
}
