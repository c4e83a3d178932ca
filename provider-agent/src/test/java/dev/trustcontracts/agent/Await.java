package dev.trustcontracts.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a generous deadline passes: tests never assume speed. */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(60);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, DEFAULT, condition);
    }

    static void until(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
