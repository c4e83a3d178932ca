package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.core.heartbeat.HeartbeatVerifier;
import dev.trustcontracts.reposerver.git.HeartbeatPublisher;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed heartbeat at refs/trust/heartbeat: published at start and after main moves, refreshed on its own,
 * fetched by JGit and C git with a wildcard refspec, never pushable, and its old commits pruned.
 */
class HeartbeatRefTest {
    private static final String TRUST_SPEC = "+refs/trust/*:refs/remotes/origin/trust/*";
    private static final String TRACKED = "refs/remotes/origin/trust/heartbeat";

    @TempDir
    Path tmp;
    private final MutableClock clock = new MutableClock();

    private HeartbeatKey key(Path dir) throws IOException {
        HeartbeatKey k = HeartbeatKey.generate(KeyType.EC_P256, "heartbeat", clock.instant().minusSeconds(60),
                Duration.ofDays(30));
        k.writeTo(dir);
        return k;
    }

    private Fixture server(HeartbeatKey k, Duration every) throws IOException {
        Path hb = tmp.resolve("hb");
        return new Fixture(tmp, RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts().clock(clock)
                .heartbeat(new RepoServerConfig.HeartbeatOptions(hb.resolve(HeartbeatKey.KEY_FILE),
                        hb.resolve(HeartbeatKey.CERT_FILE), every)).build());
    }

    /** The heartbeat a clone fetched, verified against the pinned certificate. */
    private static Heartbeat fetched(Repository repo, HeartbeatKey k) throws Exception {
        ObjectId id = repo.resolve(TRACKED);
        assertThat(id).as("tracked heartbeat").isNotNull();
        try (RevWalk rw = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            RevCommit c = rw.parseCommit(id);
            assertThat(c.getParentCount()).isZero();
            try (TreeWalk tw = TreeWalk.forPath(reader, HeartbeatPublisher.FILE, c.getTree())) {
                return new HeartbeatVerifier(k.certificate()).verify(reader.open(tw.getObjectId(0)).getBytes());
            }
        }
    }

    @Test
    void publishedAtStartAndAfterMainMovesFetchedByJGitAndCGit() throws Exception {
        HeartbeatKey k = key(tmp.resolve("hb"));
        try (Fixture fx = server(k, Duration.ofHours(1)); Git git = fx.cloneRepo("clone")) {
            git.fetch().setRemote("origin").setRefSpecs(new RefSpec(TRUST_SPEC)).call();
            Heartbeat first = fetched(git.getRepository(), k);
            assertThat(first.sequence()).isEqualTo(1);
            assertThat(first.mainCommit()).isEqualTo(fx.server.repository().main().name());

            ObjectId main = Fixture.fetchMain(git);
            ObjectId signed = Fixture.commit(git, main.name(),
                    change().contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB)));
            assertThat(Fixture.pushMain(git, signed).ok()).isTrue();
            git.fetch().setRemote("origin").setRefSpecs(new RefSpec(TRUST_SPEC)).call();
            Heartbeat second = fetched(git.getRepository(), k);
            assertThat(second.mainCommit()).isEqualTo(signed.name());
            assertThat(second.sequence()).isEqualTo(2);

            // a main whose valid contracts stay the same (a note beside them) gets its heartbeat too
            ObjectId note = Fixture.commit(git, signed.name(), change().put("contracts/README.md",
                    "notes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(Fixture.pushMain(git, note).ok()).isTrue();
            for (int i = 0; i < 600 && !fx.server.heartbeat().last().mainCommit().equals(note.name()); i++) {
                Thread.sleep(50);
            }
            assertThat(fx.server.heartbeat().last().mainCommit()).isEqualTo(note.name());
            assertThat(fx.server.heartbeat().last().sequence()).isEqualTo(3);
            second = fx.server.heartbeat().last();

            assumeTrue(CGit.available(), "C git not installed");
            CGit.Run init = CGit.run(tmp, "init", "-q", "--bare", "cgit.git");
            assertThat(init.exit()).as(init.out()).isZero();
            CGit.Run fetch = CGit.run(tmp.resolve("cgit.git"), "fetch", fx.server.gitUrl(), TRUST_SPEC,
                    "+refs/heads/main:refs/remotes/origin/main");
            assertThat(fetch.exit()).as(fetch.out()).isZero();
            try (Repository cgit = new FileRepositoryBuilder().setGitDir(tmp.resolve("cgit.git").toFile()).build()) {
                assertThat(fetched(cgit, k)).isEqualTo(second);
            }
        }
    }

    @Test
    void refreshedOnItsOwnWhileMainStands() throws Exception {
        HeartbeatKey k = key(tmp.resolve("hb"));
        try (Fixture fx = server(k, Duration.ofMillis(100))) {
            long seen = fx.server.heartbeat().last().sequence();
            for (int i = 0; i < 300 && fx.server.heartbeat().last().sequence() < seen + 2; i++) {
                Thread.sleep(50);
            }
            Heartbeat later = fx.server.heartbeat().last();
            assertThat(later.sequence()).isGreaterThanOrEqualTo(seen + 2);
            assertThat(later.mainCommit()).isEqualTo(fx.server.repository().main().name());
            String scrape = fx.server.metrics().scrape();
            assertThat(scrape).containsPattern(Pattern.compile("trustctl_server_heartbeat_sequence [1-9]"));
        }
    }

    @Test
    void nobodyPushesTheHeartbeatRefNeitherCGitNorJGit() throws Exception {
        HeartbeatKey k = key(tmp.resolve("hb"));
        try (Fixture fx = server(k, Duration.ofHours(1)); Git git = fx.cloneRepo("clone")) {
            ObjectId before = fx.server.repository().git().resolve(HeartbeatPublisher.REF);
            ObjectId main = Fixture.fetchMain(git);

            pointRef(git.getRepository(), "refs/heads/forged", main);
            PushResult jgit = git.push().setRemote("origin").setCredentialsProvider(Fixture.credentials())
                    .setRefSpecs(new RefSpec("+refs/heads/forged:" + HeartbeatPublisher.REF)).call().iterator().next();
            RemoteRefUpdate u = jgit.getRemoteUpdate(HeartbeatPublisher.REF);
            assertThat(u.getStatus()).isNotEqualTo(RemoteRefUpdate.Status.OK);
            assertThat(u.getMessage() + jgit.getMessages())
                    .contains("\"refs/trust/heartbeat\" is published by the server only");

            assumeTrue(CGit.available(), "C git not installed");
            CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work");
            assertThat(clone.exit()).as(clone.out()).isZero();
            String authed = fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                    + Fixture.PASSWORD.replace(" ", "%20") + "@");
            CGit.Run push = CGit.run(tmp.resolve("work"), "push", "--force", authed, "HEAD:" + HeartbeatPublisher.REF);
            assertThat(push.exit()).isNotZero();
            assertThat(push.out()).contains("\"refs/trust/heartbeat\" is published by the server only (the signed "
                    + "heartbeat); nobody may push it");
            CGit.Run delete = CGit.run(tmp.resolve("work"), "push", authed, ":" + HeartbeatPublisher.REF);
            assertThat(delete.exit()).isNotZero();
            assertThat(delete.out()).contains("is published by the server only");
            assertThat(fx.server.repository().git().resolve(HeartbeatPublisher.REF)).isEqualTo(before);
        }
    }

    @Test
    void oldHeartbeatsArePrunedSoTheRepositoryDoesNotGrow() throws Exception {
        HeartbeatKey k = key(tmp.resolve("hb"));
        try (Fixture fx = server(k, Duration.ofHours(1))) {
            Path objects = tmp.resolve("data/contracts.git/objects");
            long start = looseObjects(objects);
            // publication 1 was at start; up to PRUNE_EVERY - 1 the old ones pile up
            for (int i = 2; i < 60; i++) {
                fx.server.heartbeat().publishQuietly();
            }
            assertThat(looseObjects(objects)).isGreaterThanOrEqualTo(start + 3 * 55);
            // older than PRUNE_AFTER by the server's clock: the 60th publication prunes them
            clock.advance(Duration.ofHours(1));
            fx.server.heartbeat().publishQuietly();
            assertThat(fx.server.heartbeat().last().sequence()).isEqualTo(60);
            assertThat(looseObjects(objects)).isLessThanOrEqualTo(start + 3);
            // what other refs reach is untouched: main still reads, and the current heartbeat verifies
            try (Git git = fx.cloneRepo("after")) {
                git.fetch().setRemote("origin").setRefSpecs(new RefSpec(TRUST_SPEC)).call();
                assertThat(fetched(git.getRepository(), k).sequence()).isEqualTo(60);
            }
        }
    }

    /** The sequence is read back from the ref at start: a restarted server goes on from its last heartbeat. */
    @Test
    void aRestartedServerContinuesTheSequence() throws Exception {
        HeartbeatKey k = key(tmp.resolve("hb"));
        try (Fixture fx = server(k, Duration.ofHours(1))) {
            fx.server.heartbeat().publishQuietly();
            assertThat(fx.server.heartbeat().last().sequence()).isEqualTo(2);
        }
        Path hb = tmp.resolve("hb");
        try (RepoServer again = RepoServer.start(RepoServerConfig.builder(tmp.resolve("data")).ephemeralPorts()
                .clock(clock).heartbeat(new RepoServerConfig.HeartbeatOptions(hb.resolve(HeartbeatKey.KEY_FILE),
                        hb.resolve(HeartbeatKey.CERT_FILE), Duration.ofHours(1))).build())) {
            assertThat(again.heartbeat().last().sequence()).isEqualTo(3);
        }
    }

    @Test
    void aHeartbeatKeyOthersCanReadIsRefusedAtStart() throws Exception {
        key(tmp.resolve("hb"));
        Files.setPosixFilePermissions(tmp.resolve("hb").resolve(HeartbeatKey.KEY_FILE),
                PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> server(null, Duration.ofHours(1)))
                .hasMessageContaining("heartbeat.key is readable by its group or by everyone; chmod 600 it");
    }

    private static long looseObjects(Path objects) throws IOException {
        try (Stream<Path> s = Files.walk(objects, 2)) {
            return s.filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")).count();
        }
    }

    private static void pointRef(Repository repo, String ref, ObjectId id) throws IOException {
        var ru = repo.updateRef(ref);
        ru.setNewObjectId(id);
        ru.setForceUpdate(true);
        ru.update();
    }
}
