package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON endpoints the web UI reads, and how the UI itself is served, with a plain HTTP client: every
 * page of the UI has this curl-able twin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApiTest {
    @TempDir
    static Path tmp;
    Fixture fx;
    Git git;
    String base;
    ObjectId addedAliceBob;
    static final String ALICE_HASH = Fingerprint.of(ALICE.root);
    static final String BOB_HASH = Fingerprint.of(BOB.root);
    static final String CAROL_HASH = Fingerprint.of(CAROL.root);

    @BeforeAll
    void start() throws Exception {
        fx = new Fixture(tmp);
        git = fx.cloneRepo("clone");
        ObjectId main = Fixture.fetchMain(git);
        addedAliceBob = Fixture.commit(git, main.name(),
                change().contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB)));
        ObjectId second = Fixture.commit(git, addedAliceBob.name(),
                change().contract("contracts/bob-carol.yaml", shortLived("bob-carol", 20, BOB, CAROL)));
        // two commits in one push: both reached main through the same authenticated update
        assertThat(Fixture.pushMain(git, second).ok()).isTrue();
        base = fx.server.httpUrl();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static Contract shortLived(String name, int days, TestZone... zones) {
        List<ContractDraft.Zone> list = new ArrayList<>();
        for (TestZone z : zones) {
            list.add(z.zone());
        }
        Contract c = ContractDraft.create(name, list, TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(days + 1));
        for (TestZone z : zones) {
            c = z.sign(c);
        }
        return c;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void whoamiNamesTheUserAndRefusesOthers() throws Exception {
        Http.Response ok = Http.send("GET", base + "/api/whoami", Fixture.USER, Fixture.PASSWORD);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("user").asText()).isEqualTo(Fixture.USER);

        Http.Response none = Http.get(base + "/api/whoami");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));

        // a page's script gets the 401 without the Basic challenge, so the browser shows no password dialog
        Http.Response wrong = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/whoami"))
                .header("Authorization", basic(Fixture.USER, "wrong"))
                .header("X-Requested-With", "XMLHttpRequest").GET().build());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("wrong user name or password");
        assertThat(wrong.raw().headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void contractDetailHasCertificatesSignersAndTheAddingCommit() throws Exception {
        Http.Response r = Http.get(base + "/api/contracts/alice-bob");
        assertThat(r.status()).isEqualTo(200);
        JsonNode c = r.json().get("contract");
        JsonNode alice = c.get("participants").get(0);
        assertThat(alice.get("name").asText()).isEqualTo("alice");
        JsonNode cert = alice.get("certificateInfo");
        assertThat(cert.get("subject").asText()).isEqualTo("O=alice,CN=alice test root");
        assertThat(cert.get("issuer").asText()).isEqualTo("O=alice,CN=alice test root");
        assertThat(cert.get("fingerprint").asText()).isEqualTo(ALICE_HASH);
        assertThat(cert.get("ca").asBoolean()).isTrue();
        assertThat(cert.get("notAfter").asText()).isNotEmpty();

        JsonNode sig = c.get("signatures").get(0);
        assertThat(sig.get("participant").asText()).isEqualTo("alice");
        assertThat(sig.get("signer").asText()).isEqualTo("CN=admin@alice");
        assertThat(sig.get("chain").get(0).get("subject").asText()).isEqualTo("CN=admin@alice");
        assertThat(sig.get("chain").get(0).get("issuer").asText()).isEqualTo("O=alice,CN=alice test root");
        assertThat(sig.get("chain").get(0).get("ca").asBoolean()).isFalse();

        JsonNode added = r.json().get("addedIn");
        assertThat(added.get("commit").asText()).isEqualTo(addedAliceBob.name());
        assertThat(added.get("changes").get(0).get("change").asText()).isEqualTo("added");
        assertThat(added.get("author").get("name").asText()).isEqualTo("Test Admin");
        assertThat(added.get("mainUpdate").get("user").asText()).isEqualTo(Fixture.USER);

        // the list stays light: no certificates
        JsonNode listed = Http.get(base + "/api/contracts").json().get("contracts").get(0);
        assertThat(listed.get("participants").get(0).has("certificate")).isFalse();
    }

    @Test
    void zonesTellWhoTrustsWhomThroughWhichContract() throws Exception {
        Http.Response r = Http.get(base + "/api/zones");
        assertThat(r.status()).isEqualTo(200);
        JsonNode zones = r.json().get("zones");
        JsonNode bob = null;
        JsonNode alice = null;
        for (JsonNode z : zones) {
            if (z.get("hash").asText().equals(BOB_HASH)) {
                bob = z;
            }
            if (z.get("hash").asText().equals(ALICE_HASH)) {
                alice = z;
            }
        }
        assertThat(bob).isNotNull();
        assertThat(bob.get("name").asText()).isEqualTo("bob");
        // the list counts; the zone's own answer names the contracts
        assertThat(bob.get("contractCount").asInt()).isEqualTo(2);
        assertThat(bob.get("trusts")).hasSize(2);
        assertThat(bob.get("trusts").findValuesAsText("name")).containsExactlyInAnyOrder("alice", "carol");
        assertThat(alice.get("trusts")).hasSize(1);
        assertThat(alice.get("trusts").get(0).get("hash").asText()).isEqualTo(BOB_HASH);
        JsonNode bobZone = Http.get(base + "/api/zones/" + BOB_HASH).json().get("zone");
        assertThat(bobZone.get("contracts").toString()).isEqualTo("[\"alice-bob\",\"bob-carol\"]");
        alice = Http.get(base + "/api/zones/" + ALICE_HASH).json().get("zone");
        assertThat(alice.get("trusts").get(0).get("hash").asText()).isEqualTo(BOB_HASH);
        assertThat(alice.get("trusts").get(0).get("contracts").get(0).asText()).isEqualTo("alice-bob");
        assertThat(Http.get(base + "/api/zones/" + "0".repeat(64)).status()).isEqualTo(404);
        assertThat(Http.get(base + "/api/zones/nothex").status()).isEqualTo(400);
        // the same answer an agent of the zone derives
        JsonNode certs = Http.get(base + "/api/certificates?hash=" + ALICE_HASH).json().get("certificates");
        assertThat(certs).hasSize(1);
        assertThat(certs.get(0).get("hash").asText()).isEqualTo(BOB_HASH);
    }

    @Test
    void historyListsAdditionsAndRevocationsWithTheUserWhoMovedMain() throws Exception {
        try (Fixture own = new Fixture(tmp.resolve("history"))) {
            Git g = own.cloneRepo("clone");
            ObjectId m = Fixture.fetchMain(g);
            ObjectId a = Fixture.commit(g, m.name(), change().contract("contracts/alice-carol.yaml",
                    TestZone.signed("alice-carol", ALICE, CAROL)));
            ObjectId readme = Fixture.commit(g, a.name(), change().put("README.md", "not a contract\n".getBytes()));
            assertThat(Fixture.pushMain(g, readme).ok()).isTrue();
            String url = own.server.httpUrl();
            Http.Response revoked = Http.send("DELETE", url + "/api/contracts/alice-carol", Fixture.USER, Fixture.PASSWORD);
            assertThat(revoked.status()).isEqualTo(200);

            JsonNode h = Http.get(url + "/api/history").json();
            assertThat(h.get("commit").asText()).isEqualTo(revoked.json().get("commit").asText());
            JsonNode events = h.get("events");
            assertThat(events).as("README-only commits are not events").hasSize(2);
            JsonNode rev = events.get(0);
            assertThat(rev.get("commit").asText()).isEqualTo(revoked.json().get("commit").asText());
            assertThat(rev.get("changes").get(0).get("change").asText()).isEqualTo("revoked");
            assertThat(rev.get("changes").get(0).get("name").asText()).isEqualTo("alice-carol");
            assertThat(rev.get("changes").get(0).get("path").asText()).isEqualTo("contracts/alice-carol.yaml");
            assertThat(rev.get("author").get("name").asText()).isEqualTo(Fixture.USER);
            assertThat(rev.get("mainUpdate").get("user").asText()).isEqualTo(Fixture.USER);
            assertThat(rev.get("mainUpdate").get("message").asText()).isEqualTo("revoke alice-carol by admin");
            JsonNode add = events.get(1);
            assertThat(add.get("commit").asText()).isEqualTo(a.name());
            assertThat(add.get("changes").get(0).get("change").asText()).isEqualTo("added");
            assertThat(add.get("mainUpdate").get("user").asText()).isEqualTo(Fixture.USER);
            assertThat(add.get("mainUpdate").get("message").asText()).isEqualTo("push by admin");
            assertThat(h.get("next").isNull()).isTrue();

            // paging: one event, then continue where it stopped
            JsonNode first = Http.get(url + "/api/history?limit=1").json();
            assertThat(first.get("events")).hasSize(1);
            String next = first.get("next").asText();
            JsonNode rest = Http.get(url + "/api/history?limit=1&start=" + next).json();
            assertThat(rest.get("events").get(0).get("commit").asText()).isEqualTo(a.name());
            assertThat(rest.get("events").get(0).get("mainUpdate").get("user").asText()).isEqualTo(Fixture.USER);

            // one contract's history
            assertThat(Http.get(url + "/api/history?contract=alice-carol").json().get("events")).hasSize(2);
            assertThat(Http.get(url + "/api/history?contract=nothing-here").json().get("events")).isEmpty();

            assertThat(Http.get(url + "/api/history?limit=0").status()).isEqualTo(400);
            assertThat(Http.get(url + "/api/history?limit=x").status()).isEqualTo(400);
            assertThat(Http.get(url + "/api/history?contract=..%2Fx").status()).isEqualTo(400);
            assertThat(Http.get(url + "/api/history?start=nothex").status()).isEqualTo(400);
            assertThat(Http.get(url + "/api/history?start=" + "0".repeat(39) + "1").status()).isEqualTo(404);
        }
    }

    @Test
    void proposalShowsItsDiffMissingSignaturesAndWhetherItCanMerge() throws Exception {
        ObjectId main = Fixture.fetchMain(git);
        Contract draft = TestZone.draft("alice-carol", ALICE, CAROL);
        ObjectId p = Fixture.commit(git, main.name(), change().contract("contracts/alice-carol.yaml", ALICE.sign(draft)));
        assertThat(Fixture.push(git, Fixture.credentials(), false, p, "proposals/alice-carol").ok()).isTrue();

        JsonNode v = Http.get(base + "/api/proposals/proposals/alice-carol").json();
        assertThat(v.get("acceptable").asBoolean()).isTrue();
        assertThat(v.get("mergeable").asBoolean()).isFalse();
        assertThat(v.get("mergedIntoMain").asBoolean()).isFalse();
        assertThat(v.get("base").asText()).isEqualTo(main.name());
        assertThat(v.get("missingSignatures").get(0).get("participant").asText()).isEqualTo("carol");
        JsonNode file = v.get("files").get(0);
        assertThat(file.get("path").asText()).isEqualTo("contracts/alice-carol.yaml");
        assertThat(file.get("change").asText()).isEqualTo("add");
        assertThat(file.get("diff").asText()).contains("+++ b/contracts/alice-carol.yaml").contains("+name: alice-carol");
        JsonNode sigs = v.get("contracts").get(0);
        assertThat(sigs.get("name").asText()).isEqualTo("alice-carol");
        assertThat(sigs.get("participants").get(0).get("status").asText()).isEqualTo("signed");
        assertThat(sigs.get("participants").get(0).get("signer").asText()).isEqualTo("CN=admin@alice");
        assertThat(sigs.get("participants").get(1).get("status").asText()).isEqualTo("missing");

        ObjectId signed = Fixture.commit(git, p.name(), change().contract("contracts/alice-carol.yaml",
                CAROL.sign(ALICE.sign(draft))));
        assertThat(Fixture.push(git, Fixture.credentials(), false, signed, "proposals/alice-carol").ok()).isTrue();
        JsonNode ready = Http.get(base + "/api/proposals/proposals/alice-carol").json();
        assertThat(ready.get("mergeable").asBoolean()).isTrue();
        assertThat(ready.get("missingSignatures")).isEmpty();
        assertThat(ready.get("contracts").get(0).get("participants").findValuesAsText("status"))
                .containsExactly("signed", "signed");
        // the branch is left unmerged: other tests read main
    }

    @Test
    void uiIsServedWithAStrictContentSecurityPolicy() throws Exception {
        Http.Response root = Http.get(base + "/");
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.raw().headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/ui/"));

        assertThat(Http.get(base + "/ui").raw().headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/ui/"));
        Http.Response page = Http.get(base + "/ui/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        String csp = page.raw().headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(page.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<script src=\"app.js\" defer></script>").doesNotContain("<script>")
                .doesNotContain("http://").doesNotContain("https://");

        Http.Response js = Http.get(base + "/ui/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(js.body()).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("eval(").doesNotContain("document.write");
        assertThat(Http.get(base + "/ui/app.css").status()).isEqualTo(200);
        assertThat(Http.get(base + "/ui/favicon.svg").status()).isEqualTo(200);
        assertThat(Http.get(base + "/ui/pom.xml").status()).isEqualTo(404);
        assertThat(Http.get(base + "/ui/..%2F..%2Fpom.xml").status()).isEqualTo(404);
        // the API answers carry nosniff too
        assertThat(Http.get(base + "/api/contracts").raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void privateServerServesThePagesButNotTheDataWithoutLogin() throws Exception {
        Path dir = tmp.resolve("private");
        try (Fixture own = new Fixture(dir, RepoServerConfig.builder(dir.resolve("data")).ephemeralPorts().privateRead(true).build())) {
            String url = own.server.httpUrl();
            assertThat(Http.get(url + "/ui/").status()).isEqualTo(200);
            assertThat(Http.get(url + "/ui/app.js").status()).isEqualTo(200);
            for (String api : List.of("/api/zones", "/api/history", "/api/contracts")) {
                assertThat(Http.get(url + api).status()).as(api).isEqualTo(401);
                assertThat(Http.send("GET", url + api, Fixture.USER, Fixture.PASSWORD).status()).as(api).isEqualTo(200);
            }
        }
    }

    @Test
    void mutatingCallsFromAnotherSitesPageAreRefused() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/proposals/nope/merge"))
                .header("Authorization", basic(Fixture.USER, Fixture.PASSWORD))
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        Http.Response r = Http.send(req);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("requests from other sites are refused");
        // the same origin passes the check (and then finds no such branch)
        HttpRequest same = HttpRequest.newBuilder(URI.create(base + "/api/proposals/nope/merge"))
                .header("Authorization", basic(Fixture.USER, Fixture.PASSWORD))
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(Http.send(same).status()).isEqualTo(404);
    }
}
