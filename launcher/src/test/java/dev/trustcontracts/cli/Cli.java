package dev.trustcontracts.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;

/** Runs trustctl in-process with captured output, as an operator would see it. */
public record Cli(int exit, String out, String err) {
    public static Cli run(String... args) {
        return run(Clock.systemUTC(), args);
    }

    /** Runs with the given clock as "now", as every command reads it from the root command. */
    public static Cli run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Trustctl.commandLine(clock);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
