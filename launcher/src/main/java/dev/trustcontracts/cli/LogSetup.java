package dev.trustcontracts.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.trustcontracts.reposerver.Audit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Changes to the logging that logback.xml sets up (timestamped lines on standard error, the audit trail among
 * them): the audit trail as JSON lines to files and/or standard output, and a quieter level for the demo.
 * Does nothing when another SLF4J provider is in use (a library embedding the launcher).
 */
public final class LogSetup {
    private LogSetup() {
    }

    /**
     * Sends the audit logger's events, as one JSON object per line (logback's {@link JsonEncoder}: timestamp,
     * level, message and the event's key-value pairs), to each target: a file (appended to) or "-" for
     * standard output. They then no longer show on standard error.
     */
    static void auditTo(List<String> targets) {
        if (targets == null || targets.isEmpty() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        for (String t : targets) {
            if (!t.equals("-")) {
                checkWritable(Path.of(t));
            }
        }
        Logger audit = ctx.getLogger(Audit.LOGGER);
        audit.detachAndStopAllAppenders();
        audit.setAdditive(false);
        audit.setLevel(Level.INFO);
        int n = 0;
        for (String t : targets) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(ctx);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithContext(false);
            encoder.setWithArguments(false);
            encoder.setWithMessage(false); // the formatted message carries the same text
            encoder.setWithFormattedMessage(true);
            encoder.start();
            OutputStreamAppender<ILoggingEvent> appender;
            if (t.equals("-")) {
                ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
                console.setTarget("System.out");
                appender = console;
            } else {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(t);
                file.setAppend(true);
                appender = file;
            }
            appender.setContext(ctx);
            appender.setName("audit-" + n++);
            appender.setEncoder(encoder);
            appender.setImmediateFlush(true);
            appender.start();
            audit.addAppender(appender);
        }
    }

    /**
     * Warnings and errors only, and no audit trail (the narration says what each step did), unless
     * -Dtrustctl.log.level says otherwise: for the demo, whose narration tells the story.
     */
    public static void quiet() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            String asked = System.getProperty("trustctl.log.level");
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(asked, Level.WARN));
            ctx.getLogger(Audit.LOGGER).setLevel(Level.toLevel(asked, Level.OFF));
        }
    }

    private static void checkWritable(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException e) {
            throw new UserError("cannot write the audit log " + file + ": " + UserErrors.describe(e));
        }
    }
}
