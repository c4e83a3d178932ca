package dev.trustcontracts.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;

/** Runs trustctl in-process with captured output, as an operator would see it. */
public record Cli(int exit, String out, String err) {
    public static Cli run(String... args) {
        return run(Clock.systemUTC(), args);
    }

    /** Runs with the given clock as "now", as every command reads it from the root command. */
    public static Cli run(Clock clock, String... args) {
        return run(clock, System.getenv(), args);
    }

    /** Runs with the given environment in place of the process's (the TRUSTCTL_* variables daemons read). */
    public static Cli run(Map<String, String> env, String... args) {
        return run(Clock.systemUTC(), env, args);
    }

    private static Cli run(Clock clock, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Trustctl.commandLine(clock, env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
