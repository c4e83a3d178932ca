package dev.trustcontracts.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtoTimeTest {
    @ParameterizedTest(name = "{0}s {1}ns = {2}")
    @CsvSource({
            // seconds, nanos, instant, whole-second instant
            "0, 0, 1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z",
            "1, 1, 1970-01-01T00:00:01.000000001Z, 1970-01-01T00:00:01Z",
            "1798761600, 999999999, 2027-01-01T00:00:00.999999999Z, 2027-01-01T00:00:00Z",
            "-1, 500000000, 1969-12-31T23:59:59.500Z, 1969-12-31T23:59:59Z",
            "253402300799, 0, 9999-12-31T23:59:59Z, 9999-12-31T23:59:59Z",
            "-62135596800, 0, 0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z"})
    void convertsBothWays(long seconds, int nanos, String instant, String whole) {
        Timestamp t = Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
        assertThat(ProtoTime.toInstant(t)).isEqualTo(Instant.parse(instant));
        assertThat(ProtoTime.toWholeSeconds(t)).isEqualTo(Instant.parse(whole));
        assertThat(ProtoTime.toTimestamp(Instant.parse(instant))).isEqualTo(t);
        assertThat(ProtoTime.toWholeSecondTimestamp(Instant.parse(instant)))
                .isEqualTo(Timestamp.newBuilder().setSeconds(seconds).build());
    }
}
