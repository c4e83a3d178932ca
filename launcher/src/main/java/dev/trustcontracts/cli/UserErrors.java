package dev.trustcontracts.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns exceptions into one line on stderr and an exit code. A stack trace is printed only when
 * TRUSTCTL_DEBUG is set: operators get what and where, developers can still get the rest.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + describe(ex));
        if (System.getenv("TRUSTCTL_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        return ex instanceof UserError u ? u.exitCode() : ExitCodes.FAILURE;
    }

    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u) {
            ex = u.getCause();
        }
        if (ex instanceof NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof FileAlreadyExistsException e) {
            return "already exists: " + e.getFile();
        }
        if (ex instanceof IOException && ex.getMessage() != null && ex.getMessage().contains("No space left")) {
            return "disk full: " + ex.getMessage();
        }
        String m = ex.getMessage();
        if (ex instanceof UserError) {
            return m;
        }
        // a library's exception that no command turned into words: its text without Java type names, which
        // mean nothing to an operator (TRUSTCTL_DEBUG shows the whole trace)
        m = m == null ? "" : m.lines().findFirst().orElse("")
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)?:? ?", "")
                .replaceAll("\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:? ?", "").strip();
        return m.isEmpty() ? "unexpected error (set TRUSTCTL_DEBUG=1 for the details)" : m;
    }
}
