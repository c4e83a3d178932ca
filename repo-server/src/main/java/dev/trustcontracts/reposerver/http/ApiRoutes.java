package dev.trustcontracts.reposerver.http;

import static dev.trustcontracts.reposerver.http.HttpEndpoint.json;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.reposerver.Audit;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.Access;
import dev.trustcontracts.reposerver.git.ContractGit;
import dev.trustcontracts.reposerver.git.MergeCommand;
import dev.trustcontracts.reposerver.git.OperationRefused;
import dev.trustcontracts.reposerver.git.RevokeCommand;
import dev.trustcontracts.reposerver.index.CertificateQuery;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import dev.trustcontracts.reposerver.index.ListQuery;
import dev.trustcontracts.reposerver.index.Listing;
import dev.trustcontracts.reposerver.ui.WebUi;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.lib.ObjectId;

/** The routes of the HTTP port, apart from the servlet plumbing: probes, metrics, the web UI and the JSON API. */
final class ApiRoutes {
    private final ContractGit git;
    private final ContractIndex index;
    private final ApiLogin login;
    private final ServerMetrics metrics;
    private final BooleanSupplier ready;
    private final ProposalViews proposals;
    private final SnapshotLists lists;
    /** On a read-only mirror: writes are refused and /healthz reports the primary; null on a primary. */
    private final HttpEndpoint.Mirror mirror;

    ApiRoutes(ContractGit git, ContractIndex index, ApiLogin login, ServerMetrics metrics, Clock clock,
              BooleanSupplier ready, HttpEndpoint.Mirror mirror) {
        this.mirror = mirror;
        this.git = git;
        this.index = index;
        this.login = login;
        this.metrics = metrics;
        this.ready = ready;
        this.proposals = new ProposalViews(git.repository(), index, index.validator(), clock);
        this.lists = new SnapshotLists(index);
    }

    void register(RoutesConfig r) {
        r.before(ApiRoutes::securityHeaders);
        registerUi(r);
        if (mirror != null) {
            // every write of the API (merge, revoke) is the primary's; a mirror answers each with one line
            String refusal = mirror.of().refusal("merge and revoke on the primary");
            r.before("/api/*", ctx -> {
                String m = ctx.method().name();
                if (!m.equals("GET") && !m.equals("HEAD") && !m.equals("OPTIONS")) {
                    throw new ApiException(403, refusal);
                }
            });
        }
        r.get("/healthz", ctx -> json(ctx, mirror == null ? Map.of("status", "ok") : mirror.status().health()));
        r.get("/readyz", ctx -> {
            boolean ok = ready.getAsBoolean() && index.loaded();
            json(ctx.status(ok ? 200 : 503), Map.of("ready", ok,
                    "commit", index.loaded() ? index.current().commit() : ""));
        });
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
        registerLists(r);
        r.get("/api/contracts/{name}", ctx -> {
            login.readAllowed(ctx);
            IndexSnapshot s = index.current();
            String name = ctx.pathParam("name");
            var found = s.contract(name);
            if (found.isEmpty()) {
                // a revoked contract keeps a page: 410 with when and by whom, from main's history; only a name
                // main's removals know costs that walk, so a request for any other name is a map lookup
                var gone = index.everRemoved(name) ? RevokedView.of(git, name, s.commit())
                        : java.util.Optional.<Map<String, Object>>empty();
                if (gone.isPresent()) {
                    json(ctx.status(410), gone.get());
                    return;
                }
                throw new ApiException(404, "no valid contract '" + name + "' on main at " + s.commit());
            }
            var c = found.get();
            Map<String, Object> body = JsonViews.contract(s, c);
            body.put("addedIn", git.lastChange(c.path()).orElse(null));
            json(ctx, body);
        });
        r.delete("/api/contracts/{name}", ctx -> {
            String user = login.user(ctx);
            String name = ctx.pathParam("name");
            ObjectId before = git.repository().main();
            try {
                RevokeCommand revoke = git.revoke().setContract(name).setUser(access(user));
                RevokeCommand.Revoked done = revoke.call();
                Audit.mainChange("revoke", user, ctx.req().getRemoteAddr(), name, revoke.replaced(), done.commit(),
                        null);
                json(ctx, Map.of("revoked", true, "commit", done.commit(), "path", done.path()));
            } catch (OperationRefused e) {
                Audit.mainChange("revoke", user, ctx.req().getRemoteAddr(), name, before, null, e.getMessage());
                throw e;
            }
        });
        r.get("/api/certificates", ctx -> {
            login.readAllowed(ctx);
            CertificateQuery q = CertificateQuery.of(ctx.queryParam("hash"), ctx.queryParam("name"));
            json(ctx, JsonViews.certificates(q, q.answer(index.current())));
        });
        r.get("/api/whoami", ctx -> {
            Access a = login.access(ctx);
            json(ctx, Map.of("user", a.user(), "zones", new TreeSet<>(a.zones()), "admin", a.admin()));
        });
        r.get("/api/proposals/<branch>", ctx -> {
            login.readAllowed(ctx);
            String branch = ctx.pathParam("branch");
            var tip = git.repository().branch(branch)
                    .orElseThrow(() -> new ApiException(404, "no branch '" + branch + "'"));
            if (branch.equals("main")) {
                throw new ApiException(400, "main is not a proposal");
            }
            json(ctx, proposals.view(branch, tip));
        });
        r.post("/api/proposals/<branch>/merge", ctx -> {
            String user = login.user(ctx);
            String branch = ctx.pathParam("branch");
            ObjectId before = git.repository().main();
            try {
                MergeCommand merge = git.merge().setBranch(branch).setUser(access(user))
                        .setExpectedHead(confirmedHead(ctx.queryParam("head")));
                MergeCommand.Merged done = merge.call();
                Audit.mainChange("merge", user, ctx.req().getRemoteAddr(), branch, merge.replaced(), done.commit(),
                        null);
                json(ctx, Map.of("merged", true, "commit", done.commit(), "fastForward", done.fastForward(),
                        "branch", done.branch()));
            } catch (OperationRefused e) {
                Audit.mainChange("merge", user, ctx.req().getRemoteAddr(), branch, before, null, e.getMessage());
                throw e;
            }
        });
    }

    /**
     * The lists: contracts, endings, zones and proposals page, search and sort ({@link ListParams}); the first
     * three come from lists built once per index snapshot and answer {@code 304} to a matching
     * {@code If-None-Match}. The history pages by cursor ({@code start}/{@code next}): it is a walk of main.
     */
    private void registerLists(RoutesConfig r) {
        snapshotList(r, "/api/contracts", (l, q) -> JsonViews.contractList(l, ListParams.find(l.contracts(), q)));
        snapshotList(r, "/api/expiring", (l, q) -> JsonViews.endings(l.snapshot(), ListParams.find(l.endings(), q)));
        snapshotList(r, "/api/zones", (l, q) -> {
            var page = ListParams.find(l.zones(), q);
            return ListParams.answer(JsonViews.head(l.snapshot()), page, "zones",
                    page.items().stream().map(ZoneView::summary).toList());
        });
        r.get("/api/zones/{hash}", ctx -> {
            login.readAllowed(ctx);
            SnapshotLists.Lists l = lists.current();
            String hash = ctx.pathParam("hash");
            if (!Fingerprint.isWellFormed(hash)) {
                throw new ApiException(400, "a zone is named by its root's SHA-256 fingerprint, 64 lowercase hex digits");
            }
            Map<String, Object> zone = l.zonesByHash().get(hash);
            if (zone == null) {
                throw new ApiException(404, "no zone with root " + hash + " takes part in a valid contract on main at "
                        + l.snapshot().commit());
            }
            Map<String, Object> body = JsonViews.head(l.snapshot());
            body.put("zone", zone);
            json(ctx, body);
        });
        r.get("/api/history", ctx -> {
            login.readAllowed(ctx);
            String limit = ctx.queryParam("limit");
            int n;
            try {
                n = limit == null ? ContractGit.HISTORY_DEFAULT_LIMIT : Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw new ApiException(400, "limit must be a number");
            }
            String q = ctx.queryParam("q");
            if (q != null && q.length() > ListQuery.MAX_QUERY) {
                throw new ApiException(400, "q is longer than " + ListQuery.MAX_QUERY + " characters");
            }
            String order = ctx.queryParam("order");
            if (order != null && !order.isEmpty() && !order.equals("desc")) {
                throw new ApiException(400, "order must be desc: the history is a walk of main from its tip, newest first");
            }
            json(ctx, git.history(ctx.queryParam("contract"), q, ctx.queryParam("start"), n));
        });
        r.get("/api/proposals", ctx -> {
            login.readAllowed(ctx);
            ListQuery q = ListParams.parse(ctx);
            String state = ctx.queryParam("state");
            if (state != null && !state.isEmpty() && !List.of("open", "merged", "all").contains(state)) {
                throw new ApiException(400, "state must be open, merged or all");
            }
            // read from the refs per request: proposals are few (each is a branch), and not part of the index
            List<Map<String, Object>> all = git.proposals().stream().filter(p -> state == null || state.isEmpty()
                    || state.equals("all") || state.equals("merged") == (Boolean) p.get("mergedIntoMain")).toList();
            var page = ListParams.find(proposalListing(all), q);
            Map<String, Object> head = new java.util.LinkedHashMap<>();
            head.put("main", git.repository().main().name());
            head.put("state", state == null || state.isEmpty() ? "all" : state);
            json(ctx, ListParams.answer(head, page, "proposals", page.items()));
        });
    }

    private static Listing<Map<String, Object>> proposalListing(List<Map<String, Object>> proposals) {
        Map<String, java.util.Comparator<Map<String, Object>>> sorts = new java.util.LinkedHashMap<>();
        java.util.Comparator<Map<String, Object>> branch = java.util.Comparator.comparing(p -> (String) p.get("branch"));
        sorts.put("branch", branch);
        sorts.put("updated", java.util.Comparator.comparing((Map<String, Object> p) -> (String) p.get("committedAt"))
                .thenComparing(branch));
        sorts.put("author", java.util.Comparator.comparing((Map<String, Object> p) -> (String) p.get("author"))
                .thenComparing(branch));
        return new Listing<>(proposals, p -> Listing.Terms.of(List.of((String) p.get("branch"),
                (String) p.get("subject"), (String) p.get("author")), List.of((String) p.get("commit"))), sorts);
    }

    /** A list served from the current snapshot's lists: read access, its query parsed, 304 when unchanged. */
    private void snapshotList(RoutesConfig r, String path,
            java.util.function.BiFunction<SnapshotLists.Lists, ListQuery, Object> answer) {
        r.get(path, ctx -> {
            login.readAllowed(ctx);
            ListQuery q = ListParams.parse(ctx);
            SnapshotLists.Lists l = lists.current();
            if (!notModified(ctx, l)) {
                json(ctx, answer.apply(l, q));
            }
        });
    }

    /** Answers 304 when the client holds this snapshot's answer (the lists change only with the snapshot). */
    private static boolean notModified(Context ctx, SnapshotLists.Lists l) {
        String tag = l.etag();
        ctx.header("ETag", tag);
        String given = ctx.header("If-None-Match");
        if (given != null && java.util.Arrays.stream(given.split(",")).map(String::strip)
                .anyMatch(t -> t.equals(tag) || t.equals("*"))) {
            ctx.status(304);
            return true;
        }
        return false;
    }

    /**
     * The {@code head} parameter of a merge: the proposal's head commit the user confirmed (a full commit id),
     * or null when the request names none (merge whatever the branch holds, as before).
     */
    static ObjectId confirmedHead(String head) {
        if (head == null) {
            return null;
        }
        if (!ObjectId.isId(head)) {
            throw new ApiException(400, "head must be the proposal's full head commit id (40 hex digits)");
        }
        return ObjectId.fromString(head);
    }

    private Access access(String user) {
        return login.access(user);
    }

    /** The web UI's few files at {@code /ui/}; any other name is 404. */
    private static void registerUi(RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect(WebUi.BASE, HttpStatus.FOUND));
        // Javalin matches /ui and /ui/ alike; the page's relative links need the slash
        r.get(WebUi.BASE, ctx -> {
            if (ctx.path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                ctx.redirect(WebUi.BASE, HttpStatus.FOUND);
            }
        });
        r.get(WebUi.BASE + "{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private static void serve(Context ctx, String file) {
        WebUi.Page page = WebUi.page(file).orElseThrow(() -> new ApiException(404, "no such file in the web UI"));
        securityHeaders(ctx);
        ctx.header("Content-Security-Policy", WebUi.CSP);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(page.contentType()).result(page.bytes());
    }

    /** Headers for every response of the UI and the API. */
    static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }
}
