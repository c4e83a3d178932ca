package dev.trustcontracts.pki;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Where a zone's root rotation stands, as {@code rotation.state} in the CA directory records it. Only
 * the {@code pki rotate} commands change it, each with one atomic file write.
 *
 * @param step      the step reached
 * @param current   SHA-256 of the root that was current when the rotation started (retired once finished);
 *                  empty for {@link Step#NONE}
 * @param next      SHA-256 of the next root (the established one once finished); empty for {@link Step#NONE}
 * @param changedAt when the step was reached; null for {@link Step#NONE}
 */
public record RotationState(Step step, String current, String next, Instant changedAt) {
    public static final RotationState NONE = new RotationState(Step.NONE, "", "", null);

    /** The steps, in order. */
    public enum Step {
        /** No rotation has ever run here. */
        NONE,
        /** The next root exists beside the current one and is published; the current root issues. */
        STARTED,
        /** The next root issues; both are still published. */
        SWITCHED,
        /** A finish began and has not completed: running {@code finish} again completes it. */
        FINISHING,
        /** The next root became the established one; the old key is deleted. */
        FINISHED;

        /** The word in the state file and in messages. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RotationState {
        current = current == null ? "" : current;
        next = next == null ? "" : next;
    }

    /** The state after moving to {@code step} now, same roots. */
    public RotationState to(Step step, Instant now) {
        return new RotationState(step, current, next, now);
    }

    /** Whether a rotation is under way (started, switched or finishing). */
    public boolean running() {
        return step == Step.STARTED || step == Step.SWITCHED || step == Step.FINISHING;
    }

    /** The one line saying what the operator does next, with the command to run. */
    public String nextStep(CaLayout layout, String zone) {
        Path dir = layout.dir();
        return switch (step) {
            case NONE, FINISHED -> (step == Step.FINISHED
                    ? "drop the old root from zone " + zone + "'s contracts (trustctl contract rotate NAME --participant "
                            + zone + "=" + layout.certificate() + ") and re-pin this zone's agents with --pki-fingerprint "
                            + next + "; a new rotation starts with: "
                    : "to rotate the root of zone " + zone + ": ")
                    + "trustctl pki rotate start --dir " + dir;
            case STARTED -> "put the next root " + layout.nextCertificate() + " (sha256 " + next + ") into every contract of"
                    + " zone " + zone + " (trustctl contract rotate NAME --participant " + zone + "="
                    + layout.nextCertificate() + "), get them merged and wait until every agent has fetched them; then: "
                    + "trustctl pki rotate switch --dir " + dir;
            case SWITCHED -> "wait until every certificate issued from the old root has been renewed (the policy's "
                    + "--max-lifetime at most), issue admins new contract-signing certificates (trustctl pki issue); then: "
                    + "trustctl pki rotate finish --dir " + dir;
            case FINISHING -> "a finish was interrupted; complete it with: trustctl pki rotate finish --dir " + dir;
        };
    }
}
