package dev.trustcontracts.reposerver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the C {@code git} command line, a client no one here wrote. */
public final class CGit {
    public record Run(int exit, String out) {
    }

    public static boolean available() {
        try {
            return run(null, "--version").exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    public static Run run(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        pb.environment().put("GIT_AUTHOR_NAME", "Test Admin");
        pb.environment().put("GIT_AUTHOR_EMAIL", "admin@example.test");
        pb.environment().put("GIT_COMMITTER_NAME", "Test Admin");
        pb.environment().put("GIT_COMMITTER_EMAIL", "admin@example.test");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Run(p.exitValue(), out);
    }

    private CGit() {
    }
}
