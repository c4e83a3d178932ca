package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.remote.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void regularDelaysAreTheIntervalWithTenPercentJitter() {
        Backoff b = new Backoff(Duration.ofSeconds(30));
        for (int i = 0; i < 200; i++) {
            assertThat(b.nextRegular()).isBetween(Duration.ofSeconds(27), Duration.ofSeconds(33));
        }
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCapAndResetAfterSuccess() {
        Backoff b = new Backoff(Duration.ofSeconds(30));
        assertThat(b.cap()).isEqualTo(Duration.ofMinutes(4));
        assertThat(b.nextAfterFailure()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(b.nextAfterFailure()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(b.nextAfterFailure()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        for (int i = 0; i < 10; i++) {
            b.nextAfterFailure();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(b.nextAfterFailure()).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(4));
        }
        b.reset();
        assertThat(b.nextAfterFailure()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        // a long interval is never cut short by the cap, a short one retries at its own pace
        assertThat(new Backoff(Duration.ofHours(1)).cap()).isEqualTo(Duration.ofHours(1));
        assertThat(new Backoff(Duration.ofMillis(200)).cap()).isEqualTo(Duration.ofMillis(1600));
    }
}
