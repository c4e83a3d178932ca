package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.reposerver.testing.CGit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A working clone driven by C git, as a pusher (or an attacker with push access) uses it. */
final class Clone implements AutoCloseable {
    final Path work;
    final String user;
    final String password;

    Clone(Path work, String user, String password) {
        this.work = work;
        this.user = user;
        this.password = password;
    }

    CGit.Run git(String... args) throws IOException {
        return CGit.run(work, args);
    }

    /** Runs git and fails the scenario's setup when it fails. */
    String ok(String... args) throws IOException {
        CGit.Run r = git(args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out().strip();
    }

    Clone write(String path, String content) throws IOException {
        return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    Clone write(String path, byte[] content) throws IOException {
        Path f = work.resolve(path);
        Files.createDirectories(f.getParent());
        Files.write(f, content);
        return this;
    }

    Clone contract(Contract c) throws IOException {
        return write("contracts/" + c.getBody().getName() + ".yaml", ContractCodec.toYaml(c));
    }

    Clone contractAt(String path, Contract c) throws IOException {
        return write(path, ContractCodec.toYaml(c));
    }

    Clone remove(String path) throws IOException {
        ok("rm", "-q", path);
        return this;
    }

    /** Commits everything in the work tree; returns the new commit id. */
    String commit(String message) throws IOException {
        ok("add", "-A");
        ok("commit", "-q", "--allow-empty", "-m", message);
        return head();
    }

    String head() throws IOException {
        return ok("rev-parse", "HEAD");
    }

    String rev(String rev) throws IOException {
        return ok("rev-parse", rev);
    }

    /** {@code git push origin ARGS}; the exit code and everything the server said. */
    CGit.Run push(String... refspecs) throws IOException {
        String[] args = new String[refspecs.length + 2];
        args[0] = "push";
        args[1] = "origin";
        System.arraycopy(refspecs, 0, args, 2, refspecs.length);
        return git(args);
    }

    /** Pushes HEAD to main and fails when the server refuses (the legitimate admin's path). */
    String pushMain() throws IOException {
        CGit.Run r = push("HEAD:refs/heads/main");
        assertThat(r.exit()).as("push to main: %s", r.out()).isZero();
        return head();
    }

    /** Pushes objects C git would check before sending: without the client's fsck, as an attacker does. */
    CGit.Run pushUnchecked(String... refspecs) throws IOException {
        String[] args = new String[refspecs.length + 4];
        args[0] = "-c";
        args[1] = "transfer.fsckObjects=false";
        args[2] = "push";
        args[3] = "origin";
        System.arraycopy(refspecs, 0, args, 4, refspecs.length);
        return git(args);
    }

    /** Writes to a host that validates nothing (a path to its bare repository): no client fsck, forced. */
    CGit.Run pushTo(String remote, String... refspecs) throws IOException {
        String[] args = new String[refspecs.length + 5];
        args[0] = "-c";
        args[1] = "transfer.fsckObjects=false";
        args[2] = "push";
        args[3] = "--force";
        args[4] = remote;
        System.arraycopy(refspecs, 0, args, 5, refspecs.length);
        CGit.Run r = git(args);
        assertThat(r.exit()).as("push to the hostile host: %s", r.out()).isZero();
        return r;
    }

    /** What a push printed, bounded: the exit code, the byte count, the first {@link #KEEP} bytes, the time. */
    record Counted(int exit, long bytes, String head, java.time.Duration took) {
        static final int KEEP = 64 * 1024;

        /** The start of the answer, short enough for an assertion message. */
        String preview() {
            return head.length() <= 2_000 ? head : head.substring(0, 2_000) + "...";
        }
    }

    /**
     * Pushes like {@link #pushUnchecked} but never holds more than 64 KiB of the server's answer in
     * memory: a quadratic answer must fail the scenario, not the test JVM.
     */
    Counted pushCounting(String... refspecs) throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("git", "-c", "transfer.fsckObjects=false",
                "push", "origin"));
        cmd.addAll(java.util.List.of(refspecs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(work.toFile());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        long total = 0;
        byte[] buf = new byte[8192];
        try (var in = p.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (head.size() < Counted.KEEP) {
                    head.write(buf, 0, Math.min(n, Counted.KEEP - head.size()));
                }
                total += n;
            }
        }
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("git push did not finish");
        }
        return new Counted(p.exitValue(), total, head.toString(StandardCharsets.UTF_8),
                java.time.Duration.ofNanos(System.nanoTime() - t0));
    }

    /** JGit access to this clone's object database, to craft what C git refuses to build. */
    Forge forge() throws IOException {
        return new Forge(work.resolve(".git"), user, password);
    }

    @Override
    public void close() {
        // the stage's temporary directory holds the files
    }
}
