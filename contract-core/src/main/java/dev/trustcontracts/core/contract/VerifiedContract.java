package dev.trustcontracts.core.contract;

import dev.trustcontracts.proto.v1.Contract;
import java.time.Instant;

/**
 * A contract that passed every rule at some instant.
 *
 * @param path       where it was read from (repository path or file name)
 * @param contract   the parsed file, signatures included
 * @param validUntil the earliest instant at which a time bound (contract window, root or signer
 *                   certificate) ends: after it the contract no longer holds
 */
public record VerifiedContract(String path, Contract contract, Instant validUntil) {

    public String name() {
        return contract.getBody().getName();
    }

    /**
     * The effective expiry, the instant every report names: the earliest of {@code not_after}, every
     * participant root's and every signer chain certificate's {@code notAfter} (the same as validUntil).
     */
    public Instant effectiveExpiry() {
        return validUntil;
    }

    public String id() {
        return contract.getBody().getId();
    }
}
