package dev.trustcontracts.core.contract;

import dev.trustcontracts.proto.v1.Contract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying one file: the problems that do not depend on time, and the time bounds that
 * are judged at a given instant. Immutable, so it can be cached by content (a Git blob id) and re-judged.
 */
public final class Verification {
    private final String path;
    private final Contract contract;
    private final List<Problem> staticProblems;
    private final List<TimeBound> bounds;
    /** The intersection of the time bounds, so that judging a cached verification costs two comparisons. */
    private final Instant validFrom;
    private final Instant validUntil;
    /** Whether {@link #contract} is a summary (see {@link #isSummary}). */
    private final boolean summary;

    Verification(String path, Contract contract, List<Problem> staticProblems, List<TimeBound> bounds) {
        this(path, contract, staticProblems, bounds, false);
    }

    Verification(String path, Contract contract, List<Problem> staticProblems, List<TimeBound> bounds,
                 boolean summary) {
        this.summary = summary;
        this.path = path;
        this.contract = contract;
        this.staticProblems = List.copyOf(staticProblems);
        this.bounds = List.copyOf(bounds);
        this.validFrom = this.bounds.stream().map(TimeBound::notBefore).max(Comparator.naturalOrder()).orElse(Instant.MIN);
        this.validUntil = this.bounds.stream().map(TimeBound::notAfter).min(Comparator.naturalOrder()).orElse(Instant.MAX);
    }

    /**
     * Whether this verification was restored from an agent's cache as a summary: a contract the agent's zone is
     * not in, whose contract holds only its id, name, window and each participant's name, trust domain and root
     * hashes (current and next), not the certificates or signatures. The verdict (problems and time bounds) is
     * the full one. Only {@link VerificationStore} makes these, for a zone whose roots the contract does not list.
     */
    public boolean isSummary() {
        return summary;
    }

    /** The problems that hold regardless of time (what {@link VerificationStore} persists). */
    List<Problem> staticProblems() {
        return staticProblems;
    }

    /** The time bounds, judged at every use (persisted with the problems). */
    List<TimeBound> bounds() {
        return bounds;
    }

    public String path() {
        return path;
    }

    /** The parsed contract, empty when the file did not parse. */
    public Optional<Contract> contract() {
        return Optional.ofNullable(contract);
    }

    /** Every problem at {@code now}: the static ones, then the time bounds now falls outside of. */
    public List<Problem> problemsAt(Instant now) {
        List<Problem> out = new ArrayList<>(staticProblems);
        for (TimeBound b : bounds) {
            Problem p = b.problemAt(path, now);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Whether the file parsed and broke no rule that holds regardless of time (parse, structure, hashes,
     * every signature and signer chain): what the history rules ask of a removed file, because the time
     * of a commit is whatever its author wrote and so cannot decide anything.
     */
    public boolean soundApartFromTime() {
        return contract != null && staticProblems.isEmpty();
    }

    /**
     * The effective expiry: the earliest of {@code not_after}, every participant root's {@code notAfter}
     * and every verified signer chain's {@code notAfter}. After it the contract no longer holds, whatever
     * its {@code not_after} says. Empty when the file did not parse far enough to have any bound.
     */
    public Optional<Instant> effectiveExpiry() {
        return validUntil.equals(Instant.MAX) ? Optional.empty() : Optional.of(validUntil);
    }

    public boolean validAt(Instant now) {
        return staticProblems.isEmpty() && !now.isBefore(validFrom) && !now.isAfter(validUntil);
    }

    /** The verified contract when it is valid at {@code now}. */
    public Optional<VerifiedContract> verifiedAt(Instant now) {
        if (!validAt(now)) {
            return Optional.empty();
        }
        return Optional.of(new VerifiedContract(path, contract, validUntil));
    }
}
