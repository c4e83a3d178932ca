package dev.trustcontracts.agent.remote;

import java.time.Duration;

/** Lets the doorbell cut the wait between cycles short; a ring during a cycle causes one more cycle. */
public final class Wakeup {
    private boolean rung;

    public synchronized void ring() {
        rung = true;
        notifyAll();
    }

    /** Waits up to {@code d}; returns true when rung (and clears the ring). */
    public synchronized boolean await(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!rung) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        rung = false;
        return true;
    }
}
