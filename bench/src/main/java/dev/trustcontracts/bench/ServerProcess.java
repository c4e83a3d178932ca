package dev.trustcontracts.bench;

import dev.trustcontracts.core.net.HostPort;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A repo-server in a child JVM, so that its memory and CPU time can be read apart from the client's. */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final int httpPort;
    final int grpcPort;
    final double startSeconds;

    private ServerProcess(Process process, int httpPort, int grpcPort, double startSeconds) {
        this.process = process;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.startSeconds = startSeconds;
    }

    static ServerProcess start(Path dataDir, List<String> jvmFlags) throws IOException {
        return start(dataDir, jvmFlags, List.of());
    }

    /**
     * @param childArgs after the data directory: optionally the Git requests one client address may have at once,
     *                  then optionally a primary's Git URL and gRPC port to run as its read-only mirror
     */
    static ServerProcess start(Path dataDir, List<String> jvmFlags, List<String> childArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ServerProcess.class.getName());
        cmd.add(dataDir.toString());
        cmd.addAll(childArgs);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        do {
            line = in.readLine();
        } while (line != null && !line.startsWith("READY "));
        if (line == null) {
            p.destroy();
            throw new IOException("the server process did not start");
        }
        String[] parts = line.split(" ");
        return new ServerProcess(p, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                (System.nanoTime() - start) / 1e9);
    }

    long rssKiB() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    /** User plus system CPU time of the process so far, in milliseconds (clock ticks of 10 ms). */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: start on free loopback ports, say which, serve until killed. */
    public static void main(String[] args) throws Exception {
        RepoServerConfig cfg = RepoServerConfig.ephemeral(Path.of(args[0]));
        if (args.length > 1) {
            // the load run's simulated agents all come from 127.0.0.1
            int perClient = Integer.parseInt(args[1]);
            cfg = cfg.toBuilder().limits(cfg.limits().toBuilder()
                    .git(Math.max(perClient, cfg.limits().gitRequests()), perClient).build()).build();
        }
        if (args.length > 3) {
            // a read-only mirror of the primary, rung by its watch stream, polling at the default interval
            cfg = cfg.toBuilder().mirrorOf(MirrorOf.of(args[2])
                    .withWatch(new HostPort("127.0.0.1", Integer.parseInt(args[3])))).build();
        }
        RepoServer server = RepoServer.start(cfg);
        System.out.println("READY " + server.httpPort() + " " + server.grpcPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
