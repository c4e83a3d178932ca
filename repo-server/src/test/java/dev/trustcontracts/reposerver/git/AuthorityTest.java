package dev.trustcontracts.reposerver.git;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.auth.Access;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.reposerver.testing.AuditFile;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zone-scoped users through the real server: the JSON API, C git pushes and JGit pushes are held to the same
 * rules, and every decision lands in the audit trail as a JSON line.
 */
class AuthorityTest {
    @TempDir
    Path tmp;

    private static void addUser(Fixture fx, String name, Set<String> zones, boolean admin) throws Exception {
        new UserStore(fx.server.config().usersFile()).put(name, password(name).toCharArray(), new PasswordHasher(2_000),
                zones, admin);
    }

    private static String password(String user) {
        return "password of " + user;
    }

    private static String authed(Fixture fx, String user) {
        return fx.server.gitUrl().replace("http://", "http://" + user + ":" + password(user).replace(" ", "%20") + "@");
    }

    private static Http.Response as(String user, String method, String url) throws Exception {
        return Http.send(method, url, user, password(user));
    }

    @Test
    void revocationAndNewContractsOnMainNeedAZoneOfTheContract() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it this test of pushes by C git is skipped");
        try (Fixture fx = new Fixture(tmp); AuditFile audit = new AuditFile(tmp.resolve("audit.jsonl"))) {
            addUser(fx, "alice-ops", Set.of("alice"), false);
            addUser(fx, "carol-ops", Set.of("carol"), false);
            addUser(fx, "nobody", Set.of(), false);
            String base = fx.server.httpUrl();
            assertThat(CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work").exit()).isZero();
            Path work = tmp.resolve("work");
            Path file = work.resolve("contracts/alice-bob.yaml");
            Files.write(file, Fixture.yaml(TestZone.signed("alice-bob", ALICE, BOB)));
            CGit.run(work, "add", "-A");
            CGit.run(work, "commit", "-qm", "alice-bob");

            // a user of carol pushes a contract of alice and bob to main: refused, naming ref, file and rule
            CGit.Run carol = CGit.run(work, "push", authed(fx, "carol-ops"), "HEAD:main");
            assertThat(carol.exit()).isNotZero();
            assertThat(carol.out())
                    .contains("remote: error: main: contracts/alice-bob.yaml: adding contracts/alice-bob.yaml needs a "
                            + "user of zone alice or bob or an admin; carol-ops has zones carol [rule zone-add]")
                    .contains("[remote rejected] HEAD -> main");
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();

            // alice's user may
            CGit.Run alice = CGit.run(work, "push", authed(fx, "alice-ops"), "HEAD:main");
            assertThat(alice.exit()).as(alice.out()).isZero();
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();
            ObjectId main = fx.server.repository().main();

            // revocation through the API: 403 for carol's user and for a user of no zone
            String del = base + "/api/contracts/alice-bob";
            Http.Response carolApi = as("carol-ops", "DELETE", del);
            assertThat(carolApi.status()).as(carolApi.body()).isEqualTo(403);
            assertThat(carolApi.json().get("error").asText()).isEqualTo("carol-ops may not revoke contract alice-bob: "
                    + "revoking (deleting) contracts/alice-bob.yaml needs a user of zone alice or bob or an admin; "
                    + "carol-ops has zones carol [rule zone-revoke]");
            assertThat(as("nobody", "DELETE", del).status()).isEqualTo(403);

            // ... and through Git: deleting or changing the file on main is a revocation too
            CGit.run(work, "rm", "-q", "contracts/alice-bob.yaml");
            CGit.run(work, "commit", "-qm", "revoke by carol");
            CGit.Run carolDelete = CGit.run(work, "push", authed(fx, "carol-ops"), "HEAD:main");
            assertThat(carolDelete.exit()).isNotZero();
            assertThat(carolDelete.out()).contains("remote: error: main: contracts/alice-bob.yaml: revoking (deleting) "
                    + "contracts/alice-bob.yaml needs a user of zone alice or bob or an admin; carol-ops has zones carol "
                    + "[rule zone-revoke]");
            CGit.run(work, "reset", "-q", "--hard", "HEAD~1");
            Files.write(file, Fixture.yaml(TestZone.signed("alice-bob", ALICE, BOB)));
            CGit.run(work, "commit", "-qam", "replace by carol");
            CGit.Run carolChange = CGit.run(work, "push", authed(fx, "carol-ops"), "HEAD:main");
            assertThat(carolChange.exit()).isNotZero();
            assertThat(carolChange.out()).contains("[rule zone-change]");
            assertThat(fx.server.repository().main()).isEqualTo(main);

            // a push to main that touches no contract file is for admins, as such a merge through the API is
            CGit.run(work, "reset", "-q", "--hard", "HEAD~1");
            Files.writeString(work.resolve("README.md"), "notes\n");
            CGit.run(work, "add", "README.md");
            CGit.run(work, "commit", "-qm", "readme by alice");
            CGit.Run aliceReadme = CGit.run(work, "push", authed(fx, "alice-ops"), "HEAD:main");
            assertThat(aliceReadme.exit()).isNotZero();
            assertThat(aliceReadme.out()).contains("[rule zone-merge]");
            assertThat(fx.server.repository().main()).isEqualTo(main);

            // a method override never turns a GET (or a POST) into a revocation, not even an admin's
            for (String method : new String[] {"GET", "POST"}) {
                HttpRequest override = HttpRequest.newBuilder(URI.create(del))
                        .header("X-HTTP-Method-Override", "DELETE")
                        .header("Authorization", basic(Fixture.USER, Fixture.PASSWORD))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build();
                Http.Response r = Http.send(override);
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(r.json().get("error").asText())
                        .isEqualTo("X-HTTP-Method-Override is not accepted: send the request with its real method");
            }
            HttpRequest param = HttpRequest.newBuilder(URI.create(del + "?_method=DELETE"))
                    .header("Authorization", basic(Fixture.USER, Fixture.PASSWORD)).GET().build();
            assertThat(Http.send(param).status()).as("_method means nothing: a plain GET").isEqualTo(200);
            assertThat(fx.server.repository().main()).isEqualTo(main);
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();

            // alice's user revokes
            Http.Response revoked = as("alice-ops", "DELETE", del);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(fx.server.index().current().contract("alice-bob")).isEmpty();

            // a failed login
            assertThat(Http.send("DELETE", del, "alice-ops", "wrong password").status()).isEqualTo(401);

            var pushes = audit.events("push");
            assertThat(pushes).anySatisfy(e -> {
                assertThat(e.get("user")).isEqualTo("carol-ops");
                assertThat(e.get("outcome")).isEqualTo("refused");
                assertThat(e.get("ref")).isEqualTo("refs/heads/main");
                assertThat(e.get("address")).isEqualTo("127.0.0.1");
                assertThat(e.get("reason")).contains("zone-add");
                assertThat(e.get("old")).isEqualTo(pushes.get(0).get("old"));
                assertThat(e.line().get("timestamp").asLong()).isPositive();
            });
            assertThat(pushes).anySatisfy(e -> {
                assertThat(e.get("user")).isEqualTo("alice-ops");
                assertThat(e.get("outcome")).isEqualTo("accepted");
                assertThat(e.get("new")).isEqualTo(main.name());
            });
            var revokes = audit.events("revoke");
            assertThat(revokes).extracting(e -> e.get("user") + " " + e.get("outcome") + " " + e.get("contract"))
                    .containsExactly("carol-ops refused alice-bob", "nobody refused alice-bob",
                            "alice-ops accepted alice-bob");
            assertThat(revokes.get(2).get("new")).isEqualTo(revoked.json().get("commit").asText());
            assertThat(revokes.get(0).get("reason")).contains("zone-revoke");
            assertThat(audit.events("login-failure")).singleElement().satisfies(e -> {
                assertThat(e.get("user")).isEqualTo("alice-ops");
                assertThat(e.get("via")).isEqualTo("api");
                assertThat(e.line().get("level").asText()).isEqualTo("WARN");
            });
            assertThat(Files.readString(audit.file)).doesNotContain("wrong password").doesNotContain("password of");
        }
    }

    @Test
    void mergesNeedAZoneTheProposalLists() throws Exception {
        try (Fixture fx = new Fixture(tmp); AuditFile audit = new AuditFile(tmp.resolve("audit.jsonl"))) {
            addUser(fx, "alice-ops", Set.of("alice"), false);
            addUser(fx, "carol-ops", Set.of("carol"), false);
            addUser(fx, "nobody", Set.of(), false);
            Git git = fx.cloneRepo("clone");
            ObjectId main = Fixture.fetchMain(git);
            Contract signed = TestZone.signed("alice-bob", ALICE, BOB);
            ObjectId proposal = Fixture.commit(git, main.name(), change().contract("contracts/alice-bob.yaml", signed));
            // anyone may propose, even a user of no zone
            Fixture.Pushed p = Fixture.push(git, creds("nobody"), false, proposal, "proposals/alice-bob");
            assertThat(p.ok()).as(p.remote()).isTrue();
            ObjectId readme = Fixture.commit(git, main.name(), change().put("README.md", "notes\n".getBytes()));
            assertThat(Fixture.push(git, creds("alice-ops"), false, readme, "proposals/readme").ok()).isTrue();

            var whoami = as("carol-ops", "GET", fx.server.httpUrl() + "/api/whoami").json();
            assertThat(whoami.get("zones").toString()).isEqualTo("[\"carol\"]");
            assertThat(whoami.get("admin").asBoolean()).isFalse();

            String merge = fx.server.httpUrl() + "/api/proposals/proposals/alice-bob/merge";
            Http.Response carol = as("carol-ops", "POST", merge);
            assertThat(carol.status()).as(carol.body()).isEqualTo(403);
            assertThat(carol.json().get("error").asText()).startsWith("carol-ops may not merge proposal "
                    + "proposals/alice-bob: adding contracts/alice-bob.yaml needs a user of zone alice or bob");
            assertThat(fx.server.repository().main()).isEqualTo(main);
            // a proposal that lists no zone at all is for admins
            Http.Response readmeMerge = as("alice-ops", "POST",
                    fx.server.httpUrl() + "/api/proposals/proposals/readme/merge");
            assertThat(readmeMerge.status()).as(readmeMerge.body()).isEqualTo(403);
            assertThat(readmeMerge.json().get("error").asText()).contains("[rule zone-merge]");

            Http.Response alice = as("alice-ops", "POST", merge);
            assertThat(alice.status()).as(alice.body()).isEqualTo(200);
            assertThat(fx.server.index().current().contract("alice-bob")).isPresent();

            // the history page's data names who brought the change to main
            var history = Http.get(fx.server.httpUrl() + "/api/history?contract=alice-bob").json();
            assertThat(history.get("events").get(0).get("mainUpdate").get("user").asText()).isEqualTo("alice-ops");
            assertThat(audit.events("merge")).extracting(e -> e.get("user") + " " + e.get("outcome"))
                    .containsExactly("carol-ops refused", "alice-ops refused", "alice-ops accepted");
        }
    }

    @Test
    void onlyTheCreatorOrAnAdminDeletesOrRewritesAProposalBranch() throws Exception {
        assumeTrue(CGit.available(), "assumption: the C git command line is installed (apt-get install git); "
                + "without it this test of pushes by C git is skipped");
        try (Fixture fx = new Fixture(tmp); AuditFile audit = new AuditFile(tmp.resolve("audit.jsonl"))) {
            addUser(fx, "alice-ops", Set.of("alice"), false);
            addUser(fx, "carol-ops", Set.of("carol"), false);
            assertThat(CGit.run(tmp, "clone", "-q", fx.server.gitUrl(), "work").exit()).isZero();
            Path work = tmp.resolve("work");
            Files.writeString(work.resolve("README.md"), "draft 1\n");
            CGit.run(work, "commit", "-qam", "draft 1");
            CGit.Run created = CGit.run(work, "push", authed(fx, "alice-ops"), "HEAD:refs/heads/proposals/notes");
            assertThat(created.exit()).as(created.out()).isZero();
            Path owners = fx.server.config().dataDir().resolve(BranchOwners.FILE);
            assertThat(Http.JSON.readTree(owners.toFile()).get("proposals/notes").get("creator").asText())
                    .isEqualTo("alice-ops");
            assertThat(Files.getPosixFilePermissions(owners)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // another user may add to it (a fast-forward)...
            Files.writeString(work.resolve("README.md"), "draft 2\n");
            CGit.run(work, "commit", "-qam", "draft 2 by carol");
            CGit.Run forward = CGit.run(work, "push", authed(fx, "carol-ops"), "HEAD:refs/heads/proposals/notes");
            assertThat(forward.exit()).as(forward.out()).isZero();

            // ... but neither rewrite it nor delete it
            CGit.run(work, "commit", "-q", "--amend", "-m", "rewritten by carol");
            CGit.Run force = CGit.run(work, "push", "--force", authed(fx, "carol-ops"), "HEAD:refs/heads/proposals/notes");
            assertThat(force.exit()).isNotZero();
            assertThat(force.out()).contains("remote: error: proposals/notes: force-updating (rewriting) proposal branch "
                    + "proposals/notes is for the user who created it (alice-ops) or an admin [rule branch-owner]");
            CGit.Run delete = CGit.run(work, "push", authed(fx, "carol-ops"), ":refs/heads/proposals/notes");
            assertThat(delete.exit()).isNotZero();
            assertThat(delete.out()).contains("remote: error: proposals/notes: deleting proposal branch proposals/notes "
                    + "is for the user who created it (alice-ops) or an admin [rule branch-owner]");
            assertThat(fx.server.repository().branch("proposals/notes")).isPresent();

            // the creator may rewrite it; an admin may delete it
            CGit.Run aliceForce = CGit.run(work, "push", "--force", authed(fx, "alice-ops"),
                    "HEAD:refs/heads/proposals/notes");
            assertThat(aliceForce.exit()).as(aliceForce.out()).isZero();
            String admin = fx.server.gitUrl().replace("http://", "http://" + Fixture.USER + ":"
                    + Fixture.PASSWORD.replace(" ", "%20") + "@");
            CGit.Run adminDelete = CGit.run(work, "push", admin, ":refs/heads/proposals/notes");
            assertThat(adminDelete.exit()).as(adminDelete.out()).isZero();
            assertThat(fx.server.repository().branch("proposals/notes")).isEmpty();
            assertThat(Http.JSON.readTree(owners.toFile()).has("proposals/notes")).isFalse();

            assertThat(audit.events("push")).extracting(e -> e.get("user") + " " + e.get("type") + " " + e.get("outcome"))
                    .containsExactly("alice-ops create accepted", "carol-ops update accepted",
                            "carol-ops update_nonfastforward refused", "carol-ops delete refused",
                            "alice-ops update_nonfastforward accepted", "admin delete accepted");
        }
    }

    @Test
    void usersFileKeepsZonesAndReadsTheOldFormatAsNoZone() throws Exception {
        Path file = tmp.resolve("users");
        String hash = new PasswordHasher(1_000).hash("old password".toCharArray());
        Files.writeString(file, "# old file\nlegacy:" + hash + "\n");
        UserStore store = new UserStore(file);
        assertThat(store.authenticate("legacy", "old password".toCharArray())).isTrue();
        assertThat(store.access("legacy")).isEqualTo(new Access("legacy", Set.of(), false));
        store.setAccess("legacy", Set.of("alice", "bob"), false);
        store.put("root", "a password".toCharArray(), new PasswordHasher(1_000), Set.of(), true);
        UserStore reread = new UserStore(file);
        assertThat(reread.access("legacy").zones()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(reread.access("root").admin()).isTrue();
        assertThat(reread.authenticate("legacy", "old password".toCharArray())).isTrue();
        // a new password keeps the zones
        reread.put("legacy", "new password".toCharArray(), new PasswordHasher(1_000));
        assertThat(new UserStore(file).access("legacy").zones()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(new UserStore(file).remove("legacy")).isTrue();
        assertThat(new UserStore(file).access("legacy")).isEqualTo(new Access("legacy", Set.of(), false));
        assertThat(new UserStore(file).list()).extracting(UserStore.User::name).containsExactly("root");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.setAccess("root", Set.of("Not A Zone"), false))
                .hasMessageContaining("zone 'Not A Zone' is not a participant name");
    }

    @Test
    void theServerAuditsEveryChangeOfItsUsersFileWhoeverMadeIt() throws Exception {
        Path file = tmp.resolve("users");
        try (AuditFile audit = new AuditFile(tmp.resolve("audit.jsonl"))) {
            new UserStore(file).put("alice-ops", "a password".toCharArray(), new PasswordHasher(1_000), Set.of("alice"),
                    false);
            UserStore server = new UserStore(file);
            assertThat(server.contains("alice-ops")).isTrue();
            assertThat(audit.events("config-change")).as("the first reading is no change").isEmpty();

            // another process (trustctl repo-server user ...) changes the file; the server notices on its next read
            UserStore cli = new UserStore(file);
            touchBack(file);
            cli.setAccess("alice-ops", Set.of("alice", "bob"), false);
            cli.put("root", "a password".toCharArray(), new PasswordHasher(1_000), Set.of(), true);
            assertThat(server.access("alice-ops").zones()).containsExactlyInAnyOrder("alice", "bob");
            touchBack(file);
            cli.remove("alice-ops");
            assertThat(server.contains("alice-ops")).isFalse();

            assertThat(audit.events("config-change"))
                    .extracting(e -> e.get("action") + " " + e.get("target") + " " + e.get("details"))
                    .containsExactly("user-zones-changed alice-ops zones=alice,bob; admin=false",
                            "user-added root zones=; admin=true",
                            "user-removed alice-ops zones=; admin=false");
        }
    }

    /** Moves the file's time back, so that a rewrite within the same clock tick is seen as a change. */
    private static void touchBack(Path file) throws Exception {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(60)));
    }

    private static UsernamePasswordCredentialsProvider creds(String user) {
        return new UsernamePasswordCredentialsProvider(user, password(user));
    }

    private static String basic(String user, String pw) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + pw).getBytes());
    }
}
