package dev.trustcontracts.bench;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.testing.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI's lists with many contracts: a repo-server child process (the flags {@code ./trustctl} uses)
 * serving N contracts between 40 zones, measured from a headless Chromium (Debian's chromium and
 * chromium-driver) and from a plain HTTP client.
 *
 * <ul>
 *   <li>page load: navigation to {@code #/contracts} until the first page's table and pager are rendered
 *       (the page's two API calls included), from {@code about:blank} each time;</li>
 *   <li>search: from the input event in the search box until the pager shows the result, measured inside the
 *       page ({@code performance.now()}); it includes the box's 250 ms pause for more typing, given apart;</li>
 *   <li>API: {@code GET /api/contracts?page=P&size=50} and {@code ?q=...&size=50} (name, zone and fingerprint
 *       searches in turn), p50 and p99.</li>
 * </ul>
 *
 * <p>Arguments: {@code [contracts=10000] [browser rounds=20] [api rounds=500]}.
 */
final class UiListsBench {
    private static final String SEARCH_SCRIPT = """
            const done = arguments[arguments.length - 1];
            const box = document.getElementById('list-search');
            const want = arguments[1];
            const t0 = performance.now();
            box.value = arguments[0];
            box.dispatchEvent(new Event('input'));
            const check = () => {
              const c = document.querySelector('.pager .count');
              if (c && c.textContent === want) done(performance.now() - t0);
              else requestAnimationFrame(check);
            };
            check();
            """;

    private UiListsBench() {
    }

    static void run(String[] args) throws Exception {
        int contracts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int apiRounds = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        String why = Browser.unavailable();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        BenchRepos repos = new BenchRepos(40);
        Path dir = Files.createTempDirectory("bench-ui");
        long t0 = System.nanoTime();
        repos.populate(dir, contracts);
        System.out.printf("ui-lists: %,d contracts, 40 zones (repository built in %.1f s)%n", contracts,
                (System.nanoTime() - t0) / 1e9);
        String zoneHash = Fingerprint.of(repos.zones.get(7).root);
        try (ServerProcess server = ServerProcess.start(dir, List.of("-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto"))) {
            System.out.printf("  server start (every contract verified): %.1f s%n", server.startSeconds);
            String base = "http://127.0.0.1:" + server.httpPort;
            api(base, contracts, apiRounds, zoneHash);
            try (Browser browser = Browser.start(dir.resolve("chromium-profile"))) {
                browser(browser, base + "/ui/", contracts, rounds);
            }
        } finally {
            PushValidationBench.deleteTree(dir);
        }
    }

    private static void api(String base, int contracts, int rounds, String zoneHash) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int pages = Math.max(1, contracts / 50);
        String[] searches = {"c4242", "zone7", zoneHash.substring(0, 16)};
        for (int i = 0; i < 50; i++) { // warm-up
            get(http, base + "/api/contracts?size=50&page=" + (1 + i % pages));
            get(http, base + "/api/contracts?size=50&q=" + searches[i % 3]);
        }
        long[] page = new long[rounds];
        long[] search = new long[rounds];
        long bytes = 0;
        for (int i = 0; i < rounds; i++) {
            long a = System.nanoTime();
            bytes += get(http, base + "/api/contracts?size=50&page=" + (1 + (i * 37) % pages));
            page[i] = System.nanoTime() - a;
            a = System.nanoTime();
            get(http, base + "/api/contracts?size=50&q=" + searches[i % 3]);
            search[i] = System.nanoTime() - a;
        }
        Arrays.sort(page);
        Arrays.sort(search);
        System.out.printf("  API GET /api/contracts?size=50&page=P     p50 %6.2f ms  p99 %6.2f ms  (%d requests, %,d bytes a page)%n",
                BenchRepos.percentile(page, 50), BenchRepos.percentile(page, 99), rounds, bytes / rounds);
        System.out.printf("  API GET /api/contracts?size=50&q=...      p50 %6.2f ms  p99 %6.2f ms  (%d requests: a name, "
                + "a zone, a fingerprint prefix)%n", BenchRepos.percentile(search, 50), BenchRepos.percentile(search, 99),
                rounds);
    }

    private static long get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + r.statusCode());
        }
        return r.body().length;
    }

    private static void browser(Browser b, String ui, int contracts, int rounds) {
        String all = "1–50 of " + String.format("%,d", contracts);
        long[] load = new long[rounds + 1];
        long[] search = new long[rounds];
        for (int i = 0; i <= rounds; i++) { // round 0: a cold browser cache
            b.driver.get("about:blank");
            long a = System.nanoTime();
            b.driver.get(ui + "#/contracts");
            b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pager .count"), all));
            load[i] = System.nanoTime() - a;
            if (i == 0) {
                continue;
            }
            // names of the longest width (c1000..c9999 of 10,000): no other name contains them, one match each
            int low = contracts / 10;
            String name = "c" + (low + (i * 4243) % (contracts - low));
            Object ms = b.driver.executeAsyncScript(SEARCH_SCRIPT, name, "1–1 of 1 matching “" + name + "”");
            search[i - 1] = (long) (((Number) ms).doubleValue() * 1e6);
        }
        List<String> errors = b.consoleErrors();
        if (!errors.isEmpty()) {
            throw new IllegalStateException("errors in the browser console: " + errors);
        }
        long cold = load[0];
        long[] warm = Arrays.copyOfRange(load, 1, load.length);
        Arrays.sort(warm);
        Arrays.sort(search);
        System.out.printf("  browser: first page load (navigation to table)  first %6.0f ms, then p50 %6.0f ms  p99 %6.0f ms  (%d loads)%n",
                cold / 1e6, BenchRepos.percentile(warm, 50), BenchRepos.percentile(warm, 99), rounds);
        System.out.printf("  browser: search (typing to result shown)        p50 %6.0f ms  p99 %6.0f ms  (%d searches; "
                + "includes the box's 250 ms pause)%n", BenchRepos.percentile(search, 50), BenchRepos.percentile(search, 99),
                rounds);
        System.out.printf("  load average: %s%n", loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
