package dev.trustcontracts.core.heartbeat;

/** Why a heartbeat file does not count: one line, and a reason a metric can be labelled with. */
public final class HeartbeatException extends Exception {
    /** The reasons a heartbeat is refused by its bytes alone (the agent adds its own: future, not applied). */
    public enum Reason {
        /** Not a {@code SignedHeartbeat}, or its statement is not a well-formed heartbeat. */
        MALFORMED("malformed"),
        /** The signature does not verify against the pinned key (another key, altered bytes, wrong algorithm). */
        SIGNATURE("bad_signature"),
        /** Signed by the pinned key, but not a heartbeat: another kind of signed message (domain separation). */
        CONTEXT("not_a_heartbeat"),
        /** Dated outside the pinned certificate's validity. */
        CERTIFICATE("certificate_validity");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The {@code reason} label of the agent's metrics. */
        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public HeartbeatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
