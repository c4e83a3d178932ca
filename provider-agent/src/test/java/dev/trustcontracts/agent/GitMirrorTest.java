package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.testing.GitDaemon;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitMirrorTest {
    @TempDir
    Path tmp;

    @Test
    void fetchesMainAndKeepsTheAppliedCommitPinned() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp);
             GitMirror m = new GitMirror(tmp.resolve("mirror.git"), r.url(), null, Duration.ofSeconds(30))) {
            RevCommit c1 = r.put(TestZone.signed("ab", TestZone.create("a"), TestZone.create("b")));
            GitMirror.Fetched f = m.fetch();
            assertThat(f.head()).isEqualTo(c1);
            assertThat(f.recloned()).isFalse();
            // JGit's background auto-gc is off: the mirror packs itself in the cycle thread
            assertThat(m.repository().getConfig().getInt("gc", "auto", -1)).isZero();
            assertThat(m.repository().getConfig().getInt("gc", "autoPackLimit", -1)).isZero();
            m.pin(c1);
            r.forcePushMain(c1.getParent(0));
            assertThat(m.fetch().head()).isEqualTo(c1.getParent(0));
            // the rewritten-away commit is still readable through the pin
            assertThat(m.pinned()).isEqualTo(c1);
            assertThat(m.has(c1)).isTrue();
        }
    }

    @Test
    void aCorruptCloneIsReplacedByAFreshOne() throws Exception {
        try (ContractRepo r = ContractRepo.create(tmp)) {
            RevCommit c1 = r.put(TestZone.signed("ab", TestZone.create("a"), TestZone.create("b")));
            Path dir = tmp.resolve("mirror.git");
            try (GitMirror m = new GitMirror(dir, r.url(), null, Duration.ofSeconds(30))) {
                m.fetch();
                m.pin(c1);
            }
            // garbage over every object file and pack
            try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    p.toFile().setWritable(true);
                    Files.writeString(p, "not an object");
                }
            }
            try (GitMirror m = new GitMirror(dir, r.url(), null, Duration.ofSeconds(30))) {
                GitMirror.Fetched f = m.fetch();
                assertThat(f.recloned()).isTrue();
                assertThat(f.head()).isEqualTo(c1);
                assertThat(m.has(c1)).isTrue();
                assertThat(m.freshClones()).isEqualTo(1);
            }
            // a clone whose configuration is garbage
            Files.writeString(dir.resolve("config"), "[core\n\tbroken = = =\n");
            try (GitMirror m = new GitMirror(dir, r.url(), null, Duration.ofSeconds(30))) {
                assertThat(m.fetch().recloned()).isTrue();
            }
        }
    }

    @Test
    void anUnreachableRemoteIsARemoteFailure() throws IOException {
        try (GitMirror m = new GitMirror(tmp.resolve("mirror.git"), tmp.resolve("nothing.git").toUri().toString(), null,
                Duration.ofSeconds(30))) {
            assertThatThrownBy(m::fetch).isInstanceOf(SyncException.class)
                    .satisfies(e -> assertThat(((SyncException) e).kind()).isEqualTo(FailureKind.REMOTE));
        }
    }

    @Test
    void fetchesFromCGitDaemon() throws Exception {
        assumeTrue(GitDaemon.available(), "git is not installed: skipping the git daemon test");
        try (ContractRepo r = ContractRepo.create(tmp);
             GitDaemon d = GitDaemon.start(tmp)) {
            RevCommit c1 = r.put(TestZone.signed("ab", TestZone.create("a"), TestZone.create("b")));
            try (GitMirror m = new GitMirror(tmp.resolve("mirror.git"), d.url("remote.git"), null, Duration.ofSeconds(30))) {
                assertThat(m.fetch().head()).isEqualTo(c1);
                d.stop();
                assertThatThrownBy(m::fetch).isInstanceOf(SyncException.class)
                        .satisfies(e -> assertThat(((SyncException) e).kind()).isEqualTo(FailureKind.REMOTE));
                d.restart();
                RevCommit c2 = r.put(TestZone.signed("bc", TestZone.create("b2"), TestZone.create("c")));
                assertThat(m.fetch().head()).isEqualTo(c2);
            }
        }
    }
}
