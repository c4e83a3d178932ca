package dev.trustcontracts.core.time;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/**
 * Protobuf {@link Timestamp} to and from {@link Instant}. Contracts carry whole seconds (the draft and
 * the signer write no nanos); indexes and views keep the nanos they are given.
 */
public final class ProtoTime {
    private ProtoTime() {
    }

    /** The instant, nanos included. */
    public static Instant toInstant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** The instant without its nanos: the whole second it falls in (nanos of a Timestamp are never negative). */
    public static Instant toWholeSeconds(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds());
    }

    /** The timestamp, nanos included. */
    public static Timestamp toTimestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    /** The timestamp of the whole second the instant falls in, as contracts carry it. */
    public static Timestamp toWholeSecondTimestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
    }
}
