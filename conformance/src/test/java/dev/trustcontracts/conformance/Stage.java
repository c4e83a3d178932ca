package dev.trustcontracts.conformance;

import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.agent.FreshnessOptions;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One scenario's world: a real repo-server on 127.0.0.1 (port 0) with one user who has push access (an
 * admin of the server: the attacker, and the legitimate admins too), the JSON API, C git clones, agents
 * and a hostile Git host. Everything lives under one temporary directory and is closed with the stage.
 */
final class Stage implements AutoCloseable {
    static final String USER = "pusher";
    static final String PASSWORD = "push access is not trust";

    final Path dir;
    final RepoServer server;
    final Api api;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Stage(Path dir, RepoServer server) {
        this.dir = dir;
        this.server = server;
        this.api = new Api(server.httpUrl(), USER, PASSWORD);
    }

    static Stage open(Path dir) throws IOException {
        return open(dir, UnaryOperator.identity());
    }

    /** As {@link #open(Path)}, with server options a scenario adds (a heartbeat key, a clock). */
    static Stage open(Path dir, UnaryOperator<RepoServerConfig.Builder> options) throws IOException {
        RepoServerConfig config = options.apply(RepoServerConfig.ephemeral(dir.resolve("server-data")).toBuilder())
                .build();
        // A server admin: the strongest pusher there is. The rules under test (signatures, history, object
        // hygiene, certificate text, layout, limits) must hold against it whatever its authority; who may
        // push what (zones, branch owners) is a separate layer with its own tests in repo-server.
        // A low iteration count keeps the scenarios quick; the stored format is the production one.
        new UserStore(config.usersFile()).put(USER, PASSWORD.toCharArray(), new PasswordHasher(2_000),
                java.util.Set.of(), true);
        return new Stage(dir, RepoServer.start(config));
    }

    /** The server's clone URL, anonymous (how agents read it). */
    String gitUrl() {
        return server.gitUrl();
    }

    /** The clone URL with the pusher's credentials, for C git. */
    String pushUrl() {
        return server.gitUrl().replaceFirst("^http://", "http://" + USER + ":" + PASSWORD.replace(" ", "%20") + "@");
    }

    /** A C git working clone of the server with the pusher's credentials. */
    Clone clone(String name) throws IOException {
        Path work = dir.resolve(name);
        CGit.Run r = CGit.run(dir, "clone", "-q", "-b", "main", pushUrl(), work.toString());
        if (r.exit() != 0) {
            throw new IOException("git clone failed: " + r.out());
        }
        return own(new Clone(work, USER, PASSWORD));
    }

    /** An agent of {@code zone} reading {@code remote}, writing under this stage. */
    ZoneAgent agent(PkiZone zone, String remote, String name) throws IOException {
        return own(ZoneAgent.start(zone, remote, dir.resolve(name)));
    }

    /** An agent as {@link #agent} with its own movable clock. */
    ZoneAgent agent(PkiZone zone, String remote, String name,
            MutableClock clock) throws IOException {
        return own(ZoneAgent.start(zone, remote, dir.resolve(name), clock));
    }

    /** An agent of {@code zone} reading every one of {@code remotes}, with {@code freshness} (or null). */
    ZoneAgent agent(PkiZone zone, List<String> remotes, String name, MutableClock clock,
            FreshnessOptions freshness) throws IOException {
        return own(ZoneAgent.start(zone, remotes, dir.resolve(name), clock, freshness));
    }

    /** A read-only mirror of this stage's server ({@code --mirror-of}), polling the primary every 200 ms. */
    RepoServer mirror(String name) throws IOException {
        return own(RepoServer.start(RepoServerConfig.ephemeral(dir.resolve(name)).toBuilder()
                .mirrorOf(MirrorOf.of(gitUrl()).withPollEvery(Duration.ofMillis(200))).build()));
    }

    /** The server's bare repository on disk, which its operator (or whoever owns the host) can rewrite. */
    Path serverRepository() {
        return server.repository().git().getDirectory().toPath();
    }

    /** A Git host that validates nothing, seeded with the server's main. */
    HostileHost hostile() throws IOException, InterruptedException {
        return own(HostileHost.seed(dir.resolve("hostile"), gitUrl()));
    }

    private boolean serverStopped;

    /** Takes the repo-server down (the repository is unreachable until the stage ends). */
    void stopServer() {
        serverStopped = true;
        server.close();
    }

    private <T extends AutoCloseable> T own(T t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = failure != null ? failure : new IllegalStateException("closing the stage", e);
            }
        }
        if (!serverStopped) {
            server.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
