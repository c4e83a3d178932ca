package dev.trustcontracts.conformance;

import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.GitDaemon;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Git host (or mirror) that validates nothing: a plain bare repository served read-only by C git's
 * {@code git daemon}, into which its operator writes whatever they like with C git (no fsck, force
 * allowed). Agents must protect their zone against it on their own.
 */
final class HostileHost implements AutoCloseable {
    final Path bare;
    private final GitDaemon daemon;

    private HostileHost(Path bare, GitDaemon daemon) {
        this.bare = bare;
        this.daemon = daemon;
    }

    /** A mirror of {@code source}'s main under {@code dir}/contracts.git, served on a free port. */
    static HostileHost seed(Path dir, String source) throws IOException, InterruptedException {
        Path bare = dir.resolve("contracts.git");
        CGit.Run r = CGit.run(null, "clone", "-q", "--bare", source, bare.toString());
        if (r.exit() != 0) {
            throw new IOException("git clone --bare failed: " + r.out());
        }
        // its operator accepts anything: no fsck, no fast-forward rule
        CGit.run(bare, "config", "receive.fsckObjects", "false");
        CGit.run(bare, "config", "receive.denyNonFastForwards", "false");
        return new HostileHost(bare, GitDaemon.start(dir));
    }

    /**
     * Copies {@code source}'s main and {@code refs/trust/*} (the signed heartbeat) verbatim, forced: what a
     * host that follows the primary does, and what a frozen host did last.
     */
    void copy(String source) throws IOException {
        CGit.Run r = CGit.run(bare, "fetch", "-q", source, "+refs/heads/main:refs/heads/main",
                "+refs/trust/*:refs/trust/*");
        if (r.exit() != 0) {
            throw new IOException("git fetch into the hostile host failed: " + r.out());
        }
    }

    /** git://127.0.0.1:PORT/contracts.git, what the victims' agents are configured with. */
    String url() {
        return daemon.url("contracts.git");
    }

    /** Where an attacker's clone pushes to reach this host (no validation on the way). */
    String pushPath() {
        return bare.toString();
    }

    void stop() throws InterruptedException {
        daemon.stop();
    }

    void restart() throws IOException, InterruptedException {
        daemon.restart();
    }

    @Override
    public void close() {
        try {
            daemon.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
