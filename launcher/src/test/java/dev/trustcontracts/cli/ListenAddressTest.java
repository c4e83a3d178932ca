package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.net.HostPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesTheUsualForms() {
        assertThat(HostPort.parse("127.0.0.1:9443")).isEqualTo(new HostPort("127.0.0.1", 9443));
        assertThat(HostPort.parse("9443")).isEqualTo(new HostPort("127.0.0.1", 9443));
        assertThat(HostPort.parse("[::1]:0")).isEqualTo(new HostPort("::1", 0));
        assertThat(HostPort.parse("[::1]:0").toString()).isEqualTo("[::1]:0");
        assertThat(HostPort.parse("localhost:80").isLoopback()).isTrue();
        assertThat(HostPort.parse("0.0.0.0:80").isLoopback()).isFalse();
        for (String bad : new String[] {":9443", "host", "host:99999", "::1:80", "a:b:80", ""}) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void durationsFormatBack() {
        assertThat(DurationConverter.format(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(DurationConverter.format(Duration.ofDays(365))).isEqualTo("365d");
        assertThat(DurationConverter.format(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
    }
}
