package dev.trustcontracts.reposerver.git;

import org.eclipse.jgit.lib.Constants;

/** What a ref is to this server: main, a proposal branch, or anything else (tags, notes), which is refused. */
enum RefKind {
    MAIN,
    PROPOSAL,
    OTHER;

    static RefKind of(String refName) {
        if (refName.equals(ContractRepository.MAIN)) {
            return MAIN;
        }
        return refName.startsWith(Constants.R_HEADS) ? PROPOSAL : OTHER;
    }

    /** Whether a push may name it at all: only branches. */
    boolean isBranch() {
        return this != OTHER;
    }

    /** The {@code target} label of the push metrics. */
    String metricTarget() {
        return this == MAIN ? "main" : "proposal";
    }
}
