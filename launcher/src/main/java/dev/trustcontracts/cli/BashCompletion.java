package dev.trustcontracts.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash completion script for trustctl with picocli's generator, from the very command line the
 * launcher runs, so completion never drifts from the commands. The release build (module dist) runs it;
 * picocli's own {@code AutoComplete} main cannot, since it needs a no-argument constructor Trustctl lacks.
 */
public final class BashCompletion {
    private BashCompletion() {
    }

    /** Usage: BashCompletion OUTPUT_FILE. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BashCompletion OUTPUT_FILE");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, AutoComplete.bash("trustctl", Trustctl.commandLine()), StandardCharsets.UTF_8);
    }
}
