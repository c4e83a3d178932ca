package dev.trustcontracts.agent.output;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator's --on-change command through {@code /bin/sh -c} after output files changed, once per
 * change (a failed run is run again by the next cycles until it succeeds: see {@link SyncCycle}), with TRUSTCTL_OUT (the output directory), TRUSTCTL_CHANGED (the changed file names, space
 * separated) and TRUSTCTL_COMMIT (the applied commit) in its environment. Its output goes to the agent's
 * own stdout and stderr. A command that runs longer than the timeout is killed.
 */
public final class OnChangeHook {
    private static final Logger LOG = LoggerFactory.getLogger(OnChangeHook.class);

    private final String command;
    private final Path out;
    private final Duration timeout;

    public OnChangeHook(String command, Path out, Duration timeout) {
        this.command = command;
        this.out = out;
        this.timeout = timeout;
    }

    /** Runs the command; throws when it cannot start, fails or times out. */
    public void run(List<String> changed, String commit) throws SyncException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("TRUSTCTL_OUT", out.toAbsolutePath().toString());
        env.put("TRUSTCTL_CHANGED", String.join(" ", changed));
        env.put("TRUSTCTL_COMMIT", commit == null ? "" : commit);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SyncException(FailureKind.HOOK, "cannot start the --on-change command: " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new SyncException(FailureKind.HOOK, "the --on-change command did not finish within " + timeout
                        + " and was killed");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SyncException(FailureKind.HOOK, "interrupted while the --on-change command ran", e);
        }
        int code = p.exitValue();
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (code != 0) {
            throw new SyncException(FailureKind.HOOK, "the --on-change command exited with " + code + " after " + ms + " ms");
        }
        LOG.info("on-change: ran for {} ({} ms)", changed, ms);
    }
}
