package dev.trustcontracts.cli.demo;

import java.io.PrintWriter;

/** Prints each step with the time since the demo started. */
final class Narrator {
    private final PrintWriter out;
    private final long start = System.nanoTime();

    Narrator(PrintWriter out) {
        this.out = out;
    }

    void say(String format, Object... args) {
        out.printf("[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9, String.format(format, args));
        out.flush();
    }

    void detail(String format, Object... args) {
        out.printf("         %s%n", String.format(format, args));
        out.flush();
    }
}
