package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.reposerver.testing.CGit;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Poisoned objects and leaks (issue 9, items 3 and 6; DESIGN threat "poisoned objects"): objects C git
 * refuses to build, crafted with JGit and pushed without the client's fsck, and what a refused push
 * leaves behind.
 */
class ObjectHygieneScenariosTest extends ConformanceScenario {

    /** A fresh C git clone of the server's main works and its history is sound. */
    private void assertClonesStillWork() throws Exception {
        Path dir = tmp.resolve("fresh-clone-" + System.nanoTime());
        CGit.Run clone = CGit.run(tmp, "clone", "-q", "--mirror", stage.gitUrl(), dir.toString());
        assertThat(clone.exit()).as("a fresh C git clone: %s", clone.out()).isZero();
        CGit.Run fsck = CGit.run(dir, "fsck", "--strict");
        assertThat(fsck.exit()).as("git fsck of a fresh clone: %s", fsck.out()).isZero();
    }

    @Test
    @DisplayName("T3 tree entry mode lies about type")
    void treeEntryModeLiesAboutType() throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        ObjectId poisoned;
        try (Forge f = mallory.forge()) {
            // a tree object listed as a regular file; its own entry is a blob the server already has
            ObjectId readme = f.entries(f.treeOf("HEAD")).stream().filter(e -> e.name().equals("README.md"))
                    .findFirst().orElseThrow().id();
            ObjectId inner = f.tree(List.of(new Forge.Entry("x", FileMode.REGULAR_FILE, readme)));
            ObjectId root = f.withTopEntry("HEAD", new Forge.Entry("junk.txt", FileMode.REGULAR_FILE, inner));
            poisoned = f.commit(root, "a file that is a tree", "HEAD");
        }
        assertRefused(mallory.pushUnchecked(poisoned.name() + ":refs/heads/main"), "main");
        assertRefused(mallory.pushUnchecked(poisoned.name() + ":refs/heads/propose-junk"), "propose-junk");
        assertThat(serverMain()).isEqualTo(main);
        assertClonesStillWork();
        synced(aliceAgent);
        synced(bobAgent);
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        synced(fresh);
        assertVictimTrustedBy(fresh);
        // a revocation through the API reaches the agents: nothing poisoned sits between them
        Api.Response revoke = stage.api.delete("/api/contracts/alice-bob");
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        synced(aliceAgent);
        assertThat(aliceAgent.chain()).doesNotContain(Cast.hash(cast.bob));
    }

    @Test
    @DisplayName("T3 tree entry mode lies about type, served by a hostile host: the agent keeps its last good bundle")
    void treeEntryModeLieOnAHostileHost() throws Exception {
        HostileHost host = stage.hostile();
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        synced(viaHost);
        var before = viaHost.chain();
        Clone mallory = stage.clone("mallory");
        ObjectId poisoned;
        try (Forge f = mallory.forge()) {
            ObjectId inner = f.tree(List.of(new Forge.Entry("x", FileMode.REGULAR_FILE, f.blob("hidden\n"))));
            ObjectId root = f.withTopEntry("HEAD", new Forge.Entry("junk.txt", FileMode.REGULAR_FILE, inner));
            poisoned = f.commit(root, "a file that is a tree", "HEAD");
        }
        mallory.pushTo(host.pushPath(), poisoned.name() + ":refs/heads/main");
        viaHost.sync();
        assertThat(viaHost.chain()).isEqualTo(before);
        assertVictimTrustedBy(viaHost);
        assertVictimIntact();
        assertClonesStillWork();
    }

    @Test
    @DisplayName("T3b annotated tag as main")
    void annotatedTagAsMain() throws Exception {
        String main = serverMain();
        Clone mallory = stage.clone("mallory");
        ObjectId tag;
        try (Forge f = mallory.forge()) {
            ObjectId next = f.commit(f.treeOf("HEAD"), "an innocent next commit", "HEAD");
            tag = f.tag(next, "not-a-branch");
            // C git will not write a tag to a branch; JGit's transport sends what it is given
            Forge.PushOutcome toMain = f.pushObject(stage.gitUrl(), tag, "refs/heads/main");
            assertThat(toMain.accepted()).as(toMain.all()).isFalse();
            Forge.PushOutcome toProposal = f.pushObject(stage.gitUrl(), tag, "refs/heads/propose-tag");
            assertThat(toProposal.accepted()).as(toProposal.all()).isFalse();
        }
        assertThat(serverMain()).isEqualTo(main);
        assertThat(admin.ok("ls-remote", stage.pushUrl())).doesNotContain(tag.name());
        assertClonesStillWork();
        ZoneAgent fresh = stage.agent(cast.alice, stage.gitUrl(), "alice-fresh");
        synced(fresh);
        synced(aliceAgent);
        assertVictimTrustedBy(fresh);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T3b annotated tag as main on a hostile host: the agent keeps its last good bundle")
    void annotatedTagAsMainOnAHostileHost() throws Exception {
        HostileHost host = stage.hostile();
        ZoneAgent viaHost = stage.agent(cast.alice, host.url(), "alice-via-host");
        synced(viaHost);
        var before = viaHost.chain();
        Clone mallory = stage.clone("mallory");
        ObjectId tag;
        try (Forge f = mallory.forge()) {
            // the tagged commit drops alice-bob: if an agent followed it, bob would be lost
            ObjectId next = f.commit(f.withContracts("HEAD", List.of()), "tagged", "HEAD");
            tag = f.tag(next, "not-a-branch");
        }
        mallory.ok("tag", "-f", "carrier", tag.name());
        mallory.pushTo(host.pushPath(), "refs/tags/carrier:refs/tags/carrier");
        // even C git's update-ref will not write a tag to a branch: the host's operator edits the ref file
        Files.writeString(host.bare.resolve("refs/heads/main"), tag.name() + "\n");
        assertThat(CGit.run(host.bare, "rev-parse", "refs/heads/main").out().strip()).isEqualTo(tag.name());
        viaHost.sync();
        assertThat(viaHost.chain()).isEqualTo(before);
        assertVictimIntact();
    }

    @Test
    @DisplayName("T6 refused push's objects not readable, no dumb HTTP")
    void refusedPushLeavesNothingReadable() throws Exception {
        Path objects = stage.server.repository().git().getDirectory().toPath().resolve("objects");
        long packsBefore = packs(objects);
        long looseBefore = looseObjects(objects);
        Clone mallory = stage.clone("mallory");
        String secret = "-----BEGIN PRIVATE KEY-----\nTHIS-IS-A-SECRET-" + System.nanoTime() + "\n-----END PRIVATE KEY-----\n";
        mallory.write("contracts/admin-key.pem", secret).commit("oops");
        String blob = mallory.rev("HEAD:contracts/admin-key.pem");
        String commit = mallory.head();
        assertRefused(mallory.push("HEAD:refs/heads/main"), "contracts/admin-key.pem");
        for (int i = 0; i < 3; i++) {
            mallory.write("contracts/junk-" + i + ".txt", "junk " + i + " " + System.nanoTime()).commit("junk " + i);
            assertRefused(mallory.push("HEAD:refs/heads/propose-junk-" + i), "contracts/");
        }

        // no dumb HTTP: neither the pack list, nor loose objects, nor the ref list without a service
        String repo = "/git/contracts.git";
        for (String path : List.of(repo + "/objects/info/packs", repo + "/info/refs",
                repo + "/objects/" + blob.substring(0, 2) + "/" + blob.substring(2),
                repo + "/objects/" + commit.substring(0, 2) + "/" + commit.substring(2))) {
            Api.Response r = stage.api.get(path);
            assertThat(r.status()).as("GET %s: %s", path, r.body()).isNotEqualTo(200);
            assertThat(r.body()).doesNotContain("THIS-IS-A-SECRET");
        }
        try (Stream<Path> s = Files.list(objects.resolve("pack"))) {
            for (Path p : s.toList()) {
                Api.Response r = stage.api.get(repo + "/objects/pack/" + p.getFileName());
                assertThat(r.status()).as("GET the pack %s", p.getFileName()).isNotEqualTo(200);
            }
        }
        // nor by the smart protocol, asking for the refused commit by id
        Path probe = tmp.resolve("probe");
        CGit.run(tmp, "init", "-q", probe.toString());
        CGit.Run fetch = CGit.run(probe, "fetch", stage.gitUrl(), commit);
        assertThat(fetch.exit()).as("fetching the refused commit by id: %s", fetch.out()).isNotZero();
        // and the refused objects are gone from the server's disk, so junk does not accumulate (a fresh
        // repository instance: nothing cached in the server's own)
        try (Repository onDisk = new FileRepositoryBuilder().setGitDir(objects.getParent().toFile()).setMustExist(true).build()) {
            assertThat(onDisk.getObjectDatabase().has(ObjectId.fromString(blob)))
                    .as("the refused secret's blob on the server's disk").isFalse();
            assertThat(onDisk.getObjectDatabase().has(ObjectId.fromString(commit)))
                    .as("the refused commit on the server's disk").isFalse();
        }
        assertThat(packs(objects)).as("packs on the server's disk after refused pushes").isLessThanOrEqualTo(packsBefore);
        assertThat(looseObjects(objects)).as("loose objects on the server's disk after refused pushes")
                .isLessThanOrEqualTo(looseBefore);
        assertVictimIntact();
    }

    private static long looseObjects(Path objects) throws Exception {
        try (Stream<Path> s = Files.walk(objects, 2)) {
            return s.filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")).count();
        }
    }

    private static long packs(Path objects) throws Exception {
        File dir = objects.resolve("pack").toFile();
        String[] names = dir.list((d, n) -> n.endsWith(".pack"));
        return names == null ? 0 : names.length;
    }
}
