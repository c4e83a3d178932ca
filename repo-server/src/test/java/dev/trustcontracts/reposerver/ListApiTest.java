package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.reposerver.testing.Http;
import dev.trustcontracts.testing.ManyContracts;
import dev.trustcontracts.testing.TestZone;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lists of the JSON API (contracts, zones, endings, proposals, history) page, search and sort on the
 * server, over a real server holding {@value #COUNT} contracts between {@value #ZONES} zones (written as one
 * commit before it starts, as {@link ManyContracts} builds the benchmarks' repositories): every page once,
 * every sort field both ways, search by contract name, zone name and fingerprint prefix (with colons, any
 * case), the limits and bad parameters (each a 400 with one line), and conditional GETs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ListApiTest {
    static final int COUNT = 250;
    static final int ZONES = 5;

    @TempDir
    static Path tmp;
    Fixture fx;
    ManyContracts many;
    String base;
    List<String> names;

    @BeforeAll
    void start() throws Exception {
        many = new ManyContracts(ZONES);
        try (ContractRepository repo = ContractRepository.openOrCreate(tmp.resolve("data"))) {
            many.commitOnMain(repo.git(), COUNT);
        }
        fx = new Fixture(tmp);
        base = fx.server.httpUrl();
        names = IntStream.range(0, COUNT).mapToObj(ManyContracts::name).sorted().toList();
        // three proposals; one of them already on main
        Git git = fx.cloneRepo("clone");
        ObjectId main = Fixture.fetchMain(git);
        for (String b : List.of("zeta", "alpha", "mid")) {
            TestZone[] p = many.pair(1);
            ObjectId c = Fixture.commit(git, main.name(), change().contract("contracts/new-" + b + ".yaml",
                    TestZone.draft("new-" + b, p[0], p[1])));
            assertThat(Fixture.push(git, Fixture.credentials(), false, c, "proposals/" + b).ok()).isTrue();
        }
        assertThat(Fixture.push(git, Fixture.credentials(), false, main, "proposals/done").ok()).isTrue();
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void firstPageByDefaultAndEveryPageOnce() throws Exception {
        JsonNode first = get("/api/contracts");
        assertThat(first.get("total").asInt()).isEqualTo(COUNT);
        assertThat(first.get("page").asInt()).isEqualTo(1);
        assertThat(first.get("size").asInt()).isEqualTo(50);
        assertThat(first.get("pages").asInt()).isEqualTo(5);
        assertThat(first.get("sort").asText()).isEqualTo("name");
        assertThat(first.get("order").asText()).isEqualTo("asc");
        assertThat(first.get("commit").asText()).isEqualTo(fx.server.index().current().commit());
        assertThat(names(first, "contracts")).isEqualTo(names.subList(0, 50));

        List<String> all = new ArrayList<>();
        for (int page = 1; page <= 2; page++) {
            JsonNode p = get("/api/contracts?size=200&page=" + page);
            assertThat(p.get("pages").asInt()).isEqualTo(2);
            all.addAll(names(p, "contracts"));
        }
        assertThat(all).isEqualTo(names);
        JsonNode beyond = get("/api/contracts?size=200&page=3");
        assertThat(beyond.get("contracts")).isEmpty();
        assertThat(beyond.get("total").asInt()).isEqualTo(COUNT);
    }

    @Test
    void everySortFieldBothWays() throws Exception {
        assertThat(names(get("/api/contracts?sort=name&order=desc&size=200"), "contracts"))
                .isEqualTo(reversed(names).subList(0, 200));
        for (String[] f : new String[][] {{"expiry", "effectiveExpiry"}, {"notBefore", "notBefore"}, {"notAfter", "notAfter"}}) {
            List<Instant> asc = new ArrayList<>();
            List<Instant> desc = new ArrayList<>();
            for (int page = 1; page <= 2; page++) {
                get("/api/contracts?size=200&sort=" + f[0] + "&page=" + page).get("contracts")
                        .forEach(c -> asc.add(Instant.parse(c.get(f[1]).asText())));
                get("/api/contracts?size=200&order=desc&sort=" + f[0] + "&page=" + page).get("contracts")
                        .forEach(c -> desc.add(Instant.parse(c.get(f[1]).asText())));
            }
            assertThat(asc).as(f[0]).hasSize(COUNT).isSorted();
            assertThat(asc).as(f[0] + ": not simply the name order").isNotEqualTo(byName(f[1]));
            assertThat(desc).as(f[0] + " desc").hasSize(COUNT).isSortedAccordingTo(Comparator.reverseOrder());
        }
        JsonNode zones = get("/api/zones?sort=contracts&order=desc");
        List<Integer> counts = new ArrayList<>();
        zones.get("zones").forEach(z -> counts.add(z.get("contractCount").asInt()));
        assertThat(counts).hasSize(ZONES).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * COUNT);
        assertThat(names(get("/api/zones?sort=name&order=desc"), "zones"))
                .containsExactly("zone4", "zone3", "zone2", "zone1", "zone0");
        List<String> hashes = new ArrayList<>();
        get("/api/zones?sort=hash").get("zones").forEach(z -> hashes.add(z.get("hash").asText()));
        assertThat(hashes).isSorted().hasSize(ZONES);
        assertThat(names(get("/api/zones?sort=trusts"), "zones")).hasSize(ZONES);
        assertThat(names(get("/api/expiring?sort=name&size=3"), "endings")).containsExactly("c0", "c1", "c10");
        assertThat(get("/api/expiring?sort=kind&order=desc&size=1").get("endings").get(0).get("kind").asText())
                .isEqualTo("root");
    }

    @Test
    void searchFindsByContractNameInAnyCase() throws Exception {
        JsonNode r = get("/api/contracts?q=C12");
        assertThat(names(r, "contracts")).containsExactly("c12", "c120", "c121", "c122", "c123", "c124", "c125",
                "c126", "c127", "c128", "c129");
        assertThat(r.get("total").asInt()).isEqualTo(11);
        assertThat(r.get("q").asText()).isEqualTo("C12");
        // paged like any list: page 2 of 3-item pages
        JsonNode p2 = get("/api/contracts?q=c12&size=3&page=2");
        assertThat(names(p2, "contracts")).containsExactly("c122", "c123", "c124");
        assertThat(p2.get("pages").asInt()).isEqualTo(4);
        assertThat(get("/api/contracts?q=nothing-like-this").get("total").asInt()).isZero();
    }

    @Test
    void searchFindsByZoneName() throws Exception {
        List<String> expected = expectedWith(many.zones.get(3));
        JsonNode r = get("/api/contracts?q=zone3&size=200");
        assertThat(r.get("total").asInt()).isEqualTo(expected.size());
        assertThat(names(r, "contracts")).isEqualTo(expected.subList(0, Math.min(200, expected.size())));
        assertThat(names(get("/api/zones?q=ZONE3"), "zones")).containsExactly("zone3");
    }

    @Test
    void searchFindsByFingerprintPrefixWithOrWithoutColonsInAnyCase() throws Exception {
        TestZone z = many.zones.get(2);
        String hash = Fingerprint.of(z.root);
        List<String> expected = expectedWith(z);
        String colons = String.join(":", hash.substring(0, 12).toUpperCase().split("(?<=\\G..)"));
        for (String q : List.of(hash, hash.substring(0, 8), colons)) {
            JsonNode r = get("/api/contracts?size=200&q=" + enc(q));
            assertThat(r.get("total").asInt()).as(q).isEqualTo(expected.size());
            JsonNode zones = get("/api/zones?q=" + enc(q));
            assertThat(names(zones, "zones")).as(q).containsExactly("zone2");
        }
        // a fingerprint is found by its start, not anywhere inside
        assertThat(get("/api/contracts?q=" + hash.substring(5, 40)).get("total").asInt()).isZero();
        JsonNode roots = get("/api/expiring?q=" + hash.substring(0, 10));
        assertThat(roots.get("endings")).hasSize(1);
        assertThat(roots.get("endings").get(0).get("kind").asText()).isEqualTo("root");
    }

    @Test
    void proposalsPageSearchAndSort() throws Exception {
        assertThat(branches(get("/api/proposals"))).containsExactly("proposals/alpha", "proposals/done",
                "proposals/mid", "proposals/zeta");
        assertThat(branches(get("/api/proposals?state=open&order=desc")))
                .containsExactly("proposals/zeta", "proposals/mid", "proposals/alpha");
        assertThat(branches(get("/api/proposals?state=merged"))).containsExactly("proposals/done");
        assertThat(branches(get("/api/proposals?q=MID"))).containsExactly("proposals/mid");
        JsonNode page = get("/api/proposals?size=1&page=2&state=open");
        assertThat(branches(page)).containsExactly("proposals/mid");
        assertThat(page.get("total").asInt()).isEqualTo(3);
        List<String> updated = new ArrayList<>();
        get("/api/proposals?sort=updated").get("proposals").forEach(p -> updated.add(p.get("committedAt").asText()));
        assertThat(updated).hasSize(4).isSorted();
        assertThat(Http.get(base + "/api/proposals?state=closed").status()).isEqualTo(400);
    }

    @Test
    void historyFiltersByNameAndBoundsTheChangesOfOneCommit() throws Exception {
        JsonNode all = get("/api/history");
        JsonNode big = all.get("events").get(0);
        assertThat(big.get("changeCount").asInt()).isEqualTo(COUNT);
        assertThat(big.get("changes")).hasSize(100);
        JsonNode found = get("/api/history?q=C12");
        assertThat(found.get("events")).hasSize(1);
        List<String> changed = new ArrayList<>();
        found.get("events").get(0).get("changes").forEach(c -> changed.add(c.get("name").asText()));
        assertThat(changed).hasSize(11).allMatch(n -> n.startsWith("c12"));
        assertThat(found.get("events").get(0).get("changeCount").asInt()).isEqualTo(11);
        assertBad("/api/history?order=asc", "order must be desc: the history is a walk of main from its tip, newest first");
        assertBad("/api/history?q=" + "x".repeat(201), "q is longer than 200 characters");
    }

    @Test
    void badParametersAreRefusedWithOneLine() throws Exception {
        for (String list : List.of("/api/contracts", "/api/zones", "/api/expiring", "/api/proposals")) {
            assertBad(list + "?size=201", "size must be a whole number from 1 to 200");
            assertBad(list + "?size=0", "size must be a whole number from 1 to 200");
            assertBad(list + "?size=99999999999", "size must be a whole number from 1 to 200");
            assertBad(list + "?page=0", "page must be a whole number from 1 to 1000000");
            assertBad(list + "?page=two", "page must be a whole number from 1 to 1000000");
            assertBad(list + "?order=up", "order must be asc or desc");
            assertBad(list + "?sort=a-b", "sort must be a field name (letters only)");
            assertBad(list + "?q=" + "a".repeat(201), "q is longer than 200 characters");
        }
        assertBad("/api/contracts?sort=password", "cannot sort by 'password': sort is one of name, expiry, notBefore, notAfter");
        assertBad("/api/zones?sort=name2", "sort must be a field name (letters only)");
        assertBad("/api/zones?sort=size", "cannot sort by 'size': sort is one of name, hash, contracts, trusts");
        assertBad("/api/expiring?sort=hash", "cannot sort by 'hash': sort is one of endsAt, name, kind");
        assertBad("/api/proposals?sort=commit", "cannot sort by 'commit': sort is one of branch, updated, author");
        // the largest page is served
        assertThat(get("/api/contracts?size=200").get("contracts")).hasSize(200);
        assertThat(get("/api/contracts?q=" + "a".repeat(200)).get("total").asInt()).isZero();
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: it revokes a contract
    void conditionalGetAnswers304UntilMainMoves() throws Exception {
        Http.Response first = Http.get(base + "/api/contracts?q=c1");
        String etag = first.raw().headers().firstValue("ETag").orElseThrow();
        Http.Response again = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/contracts?q=c1"))
                .header("If-None-Match", etag).build());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        Http.Response other = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/zones"))
                .header("If-None-Match", "W/\"something else\"").build());
        assertThat(other.status()).isEqualTo(200);
        // a revocation moves main: a new snapshot, a new tag, the full answer
        Http.Response revoked = Http.send("DELETE", base + "/api/contracts/c199", Fixture.USER, Fixture.PASSWORD);
        assertThat(revoked.status()).isEqualTo(200);
        Http.Response after = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/contracts?q=c1"))
                .header("If-None-Match", etag).build());
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().get("total").asInt()).isEqualTo(first.json().get("total").asInt() - 1);
        assertThat(after.raw().headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private JsonNode get(String path) throws Exception {
        Http.Response r = Http.get(base + path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return r.json();
    }

    private void assertBad(String path, String line) throws Exception {
        Http.Response r = Http.get(base + path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().get("error").asText()).as(path).isEqualTo(line);
    }

    private static List<String> names(JsonNode answer, String key) {
        List<String> out = new ArrayList<>();
        answer.get(key).forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    private static List<String> branches(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("proposals").forEach(p -> out.add(p.get("branch").asText()));
        return out;
    }

    private List<Instant> byName(String field) throws Exception {
        List<Instant> out = new ArrayList<>();
        for (int page = 1; page <= 2; page++) {
            get("/api/contracts?size=200&page=" + page).get("contracts")
                    .forEach(c -> out.add(Instant.parse(c.get(field).asText())));
        }
        return out;
    }

    /** The names (sorted) of the contracts that zone takes part in, as the generator paired them. */
    private List<String> expectedWith(TestZone z) {
        return IntStream.range(0, COUNT).filter(i -> Arrays.asList(many.pair(i)).contains(z))
                .mapToObj(ManyContracts::name).sorted().toList();
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
