package dev.trustcontracts.pki;

import java.util.ArrayList;
import java.util.List;

/**
 * The roots a zone publishes and the one it issues from. Outside a rotation that is one root; during one
 * ({@link RotationState.Step#STARTED} or {@link RotationState.Step#SWITCHED}) the current and the next.
 *
 * @param current the established root: the one clients already trust, and the PKI's own TLS identity
 * @param next    the next root of a running rotation; null outside one
 * @param step    {@code NONE}, {@code STARTED} or {@code SWITCHED}: the step as far as serving is concerned
 */
public record ZoneRoots(ZoneCa current, ZoneCa next, RotationState.Step step) {
    public ZoneRoots {
        if ((next == null) != (step == RotationState.Step.NONE)) {
            throw new IllegalArgumentException("a next root goes with a running rotation, and only with one");
        }
        if (step == RotationState.Step.FINISHING || step == RotationState.Step.FINISHED) {
            throw new IllegalArgumentException("a finishing or finished rotation serves one root (NONE)");
        }
    }

    /** One root, no rotation. */
    public static ZoneRoots single(ZoneCa ca) {
        return new ZoneRoots(ca, null, RotationState.Step.NONE);
    }

    public String zone() {
        return current.zone();
    }

    /** The root SignCSR and contract signers are issued from now. */
    public ZoneCa issuing() {
        return step == RotationState.Step.SWITCHED ? next : current;
    }

    /** Every root the zone publishes, the established one first. */
    public List<ZoneCa> published() {
        List<ZoneCa> out = new ArrayList<>(2);
        out.add(current);
        if (next != null) {
            out.add(next);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "ZoneRoots[" + current + (next == null ? "" : ", next " + next) + ", " + step.word() + "]";
    }
}
