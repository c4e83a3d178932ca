package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the Git layer through the C git client: crafted trees and tags, ref names outside main and
 * the proposal namespace, dumb HTTP reads, and the objects of refused pushes (quarantine).
 */
class GitHygieneTest {
    @TempDir
    Path tmp;
    Fixture fx;
    Path work;
    String authed;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it these attacks through a real client are skipped");
        fx = new Fixture(tmp);
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work");
        assertThat(clone.exit()).as(clone.out()).isZero();
        work = tmp.resolve("work");
        authed = fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                + Fixture.PASSWORD.replace(" ", "%20") + "@");
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Runs a shell script in the clone with the same environment as {@link CGit}; returns its output. */
    private CGit.Run sh(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("GIT_AUTHOR_NAME", "Test Admin");
        pb.environment().put("GIT_AUTHOR_EMAIL", "admin@example.test");
        pb.environment().put("GIT_COMMITTER_NAME", "Test Admin");
        pb.environment().put("GIT_COMMITTER_EMAIL", "admin@example.test");
        pb.environment().put("URL", authed);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("script did not finish: " + script);
        }
        return new CGit.Run(p.exitValue(), out);
    }

    private String git(String... args) throws IOException {
        CGit.Run r = CGit.run(work, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.out()).isZero();
        return r.out().trim();
    }

    /**
     * Writes into the clone a commit on HEAD whose tree adds {@code name} with {@code mode} pointing at the
     * object {@code target} (a revision expression), whatever its type.
     */
    private ObjectId crafted(String name, FileMode mode, String target) throws IOException {
        try (Repository local = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
             ObjectInserter ins = local.newObjectInserter();
             RevWalk rw = new RevWalk(local)) {
            RevCommit head = rw.parseCommit(local.resolve("HEAD"));
            TreeFormatter tf = new TreeFormatter();
            List<String[]> entries = new ArrayList<>();
            try (TreeWalk tw = new TreeWalk(local)) {
                tw.addTree(head.getTree());
                while (tw.next()) {
                    entries.add(new String[] {tw.getNameString(), Integer.toString(tw.getRawMode(0)),
                            tw.getObjectId(0).name()});
                }
            }
            entries.add(new String[] {name, Integer.toString(mode.getBits()), local.resolve(target).name()});
            // Git orders tree entries by name, a tree's name as if it ended in '/'
            entries.sort(java.util.Comparator.comparing(e -> e[0] + (FileMode.fromBits(Integer.parseInt(e[1]))
                    == FileMode.TREE ? "/" : "")));
            for (String[] e : entries) {
                tf.append(e[0], FileMode.fromBits(Integer.parseInt(e[1])), ObjectId.fromString(e[2]));
            }
            ObjectId tree = ins.insert(tf);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentIds(head);
            PersonIdent who = new PersonIdent("Test Admin", "admin@example.test");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("crafted: " + name + "\n");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }

    /** Sends the crafted commit and its root tree as they are (the rest is on the server already). */
    private String rawPush(ObjectId commit, String ref) throws Exception {
        try (Repository local = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
             RevWalk rw = new RevWalk(local)) {
            RevCommit c = rw.parseCommit(commit);
            ObjectId old = fx.server.repository().git().exactRef(ref) == null ? ObjectId.zeroId()
                    : fx.server.repository().git().exactRef(ref).getObjectId();
            return RawPush.push(fx.server.gitUrl(), Fixture.USER, Fixture.PASSWORD, local,
                    List.of(c, c.getTree()), old, commit, ref);
        }
    }

    private ObjectId serverMain() throws IOException {
        return fx.server.repository().main();
    }

    @Test
    void treeEntryWithBlobModePointingAtATreeIsRefusedAndClonesKeepWorking() throws Exception {
        ObjectId before = serverMain();
        // junk.txt claims to be a file but names the contracts/ tree (git mktree refuses to write that: JGit's
        // TreeFormatter writes it into the clone, and C git pushes it)
        ObjectId commit = crafted("junk.txt", FileMode.REGULAR_FILE, "HEAD:contracts");
        for (String ref : List.of("refs/heads/main", "refs/heads/proposals/junk")) {
            // C git refuses to pack this ("has blob mode, but is not a blob"): the pack is made and sent by hand
            String answer = rawPush(commit, ref);
            assertThat(answer).contains("error: push: [object-type] broken object graph at junk.txt")
                    .contains("ng " + ref);
        }
        assertThat(serverMain()).isEqualTo(before);
        assertThat(fx.server.repository().branch("proposals/junk")).isEmpty();
        assertThat(fx.server.repository().git().getObjectDatabase().has(commit)).isFalse();
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "again");
        assertThat(clone.exit()).as(clone.out()).isZero();
    }

    @Test
    void treeEntryWithTreeModePointingAtABlobIsRefused() throws Exception {
        ObjectId commit = crafted("dir", FileMode.TREE, "HEAD:README.md");
        CGit.Run push = CGit.run(work, "-c", "transfer.fsckObjects=false", "push", authed,
                commit.name() + ":refs/heads/proposals/dir");
        assertThat(push.out()).as("C git will not send it").contains("has tree mode, but is not a tree");
        String answer = rawPush(commit, "refs/heads/proposals/dir");
        assertThat(answer).contains("[object-type]").contains("ng refs/heads/proposals/dir");
        assertThat(fx.server.repository().branch("proposals/dir")).isEmpty();
    }

    @Test
    void annotatedTagAsBranchTipIsRefused() throws Exception {
        ObjectId before = serverMain();
        git("commit", "-q", "--allow-empty", "-m", "a commit under a tag");
        git("tag", "-a", "-m", "a tag, not a commit", "t1");
        String tag = git("rev-parse", "t1");
        for (String ref : List.of("refs/heads/main", "refs/heads/proposals/tagged")) {
            CGit.Run push = CGit.run(work, "push", authed, "refs/tags/t1:" + ref);
            assertThat(push.exit()).as(push.out()).isNotZero();
            assertThat(push.out()).contains("[not-a-commit] a branch must point at a commit; "
                    + tag.substring(0, 10) + " is a tag");
        }
        assertThat(serverMain()).isEqualTo(before);
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "again");
        assertThat(clone.exit()).as(clone.out()).isZero();
        // the same commit pushed as a commit is fine
        CGit.Run ok = CGit.run(work, "push", authed, "HEAD:refs/heads/main");
        assertThat(ok.exit()).as(ok.out()).isZero();

        // a push prepared against the old main (a lost race): JGit refuses it before the hook; the answer says
        // what happened, and nothing it brought is published
        git("commit", "-q", "--allow-empty", "-m", "prepared against an old main");
        ObjectId late = ObjectId.fromString(git("rev-parse", "HEAD"));
        try (Repository local = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
             RevWalk rw = new RevWalk(local)) {
            RevCommit c = rw.parseCommit(late);
            String answer = RawPush.push(fx.server.gitUrl(), Fixture.USER, Fixture.PASSWORD, local,
                    List.of(c, c.getTree()), before, late, "refs/heads/main");
            assertThat(answer).contains("ng refs/heads/main non-fast-forward: main moved while this push was "
                    + "prepared; fetch, rebase and push again");
        }
        assertThat(fx.server.repository().git().getObjectDatabase().has(late)).isFalse();
    }

    @Test
    void onlyMainAndPlainProposalNamesMayBeWritten() throws Exception {
        git("commit", "-q", "--allow-empty", "-m", "something to push");
        List<String> refused = List.of("refs/heads/MAIN", "refs/heads/Main", "refs/heads/main/x", "refs/heads/HEAD",
                "refs/heads/head", "refs/heads/-x", "refs/heads/proposals/Alice", "refs/heads/_x", "refs/heads/x@y",
                "refs/heads/\u00fcber",
                "refs/heads/" + "p".repeat(RefNamePolicy.MAX_LENGTH + 1), "refs/tags/v1", "refs/notes/x",
                "refs/changes/1");
        for (String ref : refused) {
            CGit.Run push = CGit.run(work, "push", authed, "HEAD:" + ref);
            assertThat(push.exit()).as(ref + ": " + push.out()).isNotZero();
            assertThat(push.out()).as(ref).contains("[ref-name]");
            assertThat(fx.server.repository().git().exactRef(ref)).as(ref).isNull();
        }
        CGit.Run ok = CGit.run(work, "push", authed, "HEAD:refs/heads/proposals/alice-bob_2.v1");
        assertThat(ok.exit()).as(ok.out()).isZero();
        // all or nothing: a good ref in the same push as a bad name does not move either
        git("commit", "-q", "--allow-empty", "-m", "next");
        CGit.Run mixed = CGit.run(work, "push", "--atomic", authed, "HEAD:refs/heads/main", "HEAD:refs/heads/MAIN");
        assertThat(mixed.exit()).isNotZero();
        assertThat(serverMain().name()).isNotEqualTo(git("rev-parse", "HEAD"));
        // a branch made before these rules (here: directly on the server) can still be deleted
        org.eclipse.jgit.lib.RefUpdate legacy = fx.server.repository().git().updateRef("refs/heads/Legacy");
        legacy.setNewObjectId(serverMain());
        assertThat(legacy.update()).isEqualTo(org.eclipse.jgit.lib.RefUpdate.Result.NEW);
        CGit.Run delete = CGit.run(work, "push", authed, ":refs/heads/Legacy");
        assertThat(delete.exit()).as(delete.out()).isZero();
        assertThat(fx.server.repository().git().exactRef("refs/heads/Legacy")).isNull();
    }

    @Test
    void dumbHttpServesNoFile() throws Exception {
        // make a pack on the server, and a loose-looking path to ask for
        git("commit", "-q", "--allow-empty", "-m", "make a pack");
        assertThat(CGit.run(work, "push", authed, "HEAD:refs/heads/main").exit()).isZero();
        Path packs = fx.server.repository().git().getDirectory().toPath().resolve("objects/pack");
        String pack;
        try (Stream<Path> s = Files.list(packs)) {
            pack = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pack")).findFirst().orElseThrow();
        }
        String head = git("rev-parse", "HEAD");
        HttpClient http = HttpClient.newHttpClient();
        String base = fx.server.gitUrl();
        for (String path : List.of("/info/refs", "/objects/info/packs", "/objects/pack/" + pack,
                "/objects/pack/" + pack.replace(".pack", ".idx"), "/HEAD", "/config", "/objects/info/alternates",
                "/objects/" + head.substring(0, 2) + "/" + head.substring(2), "/packed-refs", "/refs/heads/main")) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            // 406 for info/refs without ?service= (JGit's smart servlet: "not a smart client")
            assertThat(r.statusCode()).as(path).isIn(403, 404, 406);
        }
        // smart HTTP still works: clone and fetch
        CGit.Run clone = CGit.run(tmp, "clone", "-q", base, "smart");
        assertThat(clone.exit()).as(clone.out()).isZero();
        // and a client that only speaks dumb HTTP gets nothing
        HttpResponse<String> refs = http.send(HttpRequest.newBuilder(URI.create(base + "/info/refs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refs.body()).doesNotContain(head);
    }

    @Test
    void objectsOfRefusedPushesAreNeverInTheRepositoryAndDoNotAccumulate() throws Exception {
        Repository repo = fx.server.repository().git();
        Path packs = repo.getDirectory().toPath().resolve("objects/pack");
        List<String> before = listing(repo.getDirectory().toPath().resolve("objects"));
        List<ObjectId> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // a private key committed by mistake: refused as unexpected-file, on main and on a proposal
            Files.writeString(work.resolve("contracts/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                    + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB" + i + "\n"
                    + "-----END OPENSSH PRIVATE KEY-----\n");
            keys.add(ObjectId.fromString(git("hash-object", "-w", "contracts/id_ed25519")));
            git("add", "-A");
            git("commit", "-qm", "oops " + i);
            CGit.Run push = CGit.run(work, "push", authed, "HEAD:refs/heads/" + (i % 2 == 0 ? "main" : "proposals/k"));
            assertThat(push.exit()).as(push.out()).isNotZero();
            assertThat(push.out()).contains("[unexpected-file]");
        }
        for (ObjectId key : keys) {
            assertThat(repo.getObjectDatabase().has(key)).as("refused blob %s", key.name()).isFalse();
        }
        assertThat(listing(repo.getDirectory().toPath().resolve("objects"))).as("objects/ after 5 refused pushes")
                .isEqualTo(before);
        // the quarantine goes when the request ends, just after the client has its answer: wait for that
        Path quarantines = repo.getDirectory().toPath().resolve(Quarantine.DIRECTORY);
        for (int i = 0; i < 600 && !listing(quarantines).isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(listing(quarantines)).as("files left in quarantines").isEmpty();
        // a fetch by id of the refused blob is refused too (it is nowhere)
        assertThat(CGit.run(tmp, "init", "-q", "--bare", "empty").exit()).isZero();
        CGit.Run fetch = CGit.run(tmp.resolve("empty"), "fetch", fx.server.gitUrl(), keys.get(0).name());
        assertThat(fetch.exit()).as(fetch.out()).isNotZero();

        // an accepted push publishes its objects before main moves: a fresh clone has them
        git("rm", "-q", "contracts/id_ed25519");
        git("commit", "-qm", "remove the key");
        Files.writeString(work.resolve("notes.md"), "accepted\n");
        git("add", "-A");
        git("commit", "-qm", "a note");
        CGit.Run ok = CGit.run(work, "push", authed, "HEAD:refs/heads/main");
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(repo.getObjectDatabase().has(ObjectId.fromString(git("rev-parse", "HEAD:notes.md")))).isTrue();
        CGit.Run clone = CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "after");
        assertThat(clone.exit()).as(clone.out()).isZero();
        assertThat(tmp.resolve("after/notes.md")).hasContent("accepted");
        try (Stream<Path> s = Files.list(packs)) {
            assertThat(s.filter(p -> p.toString().endsWith(".keep"))).isEmpty();
        }
    }

    @Test
    void strictFsckRefusesBadNamesInTrees() throws Exception {
        ObjectId before = serverMain();
        // a tree holding an entry named .GIT (a checkout would write into the repository's own directory)
        CGit.Run made = sh("set -e; B=$(git rev-parse HEAD:README.md); "
                + "T=$( (git ls-tree HEAD; printf '100644 blob %s\\t.GIT\\n' $B) | git mktree); "
                + "git commit-tree $T -p HEAD -m 'dot git'");
        assertThat(made.exit()).as(made.out()).isZero();
        CGit.Run push = CGit.run(work, "-c", "transfer.fsckObjects=false", "push", authed,
                made.out().trim() + ":refs/heads/proposals/dotgit");
        assertThat(push.exit()).as(push.out()).isNotZero();
        assertThat(push.out()).contains("[remote rejected]");
        assertThat(fx.server.repository().branch("proposals/dotgit")).isEmpty();
        assertThat(fx.server.repository().git().getObjectDatabase().has(ObjectId.fromString(made.out().trim())))
                .isFalse();
        assertThat(serverMain()).isEqualTo(before);
    }

    /** Files under {@code dir}, relative, sorted: what a refused push must leave as it was. */
    private static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
