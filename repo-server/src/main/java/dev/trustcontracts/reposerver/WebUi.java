package dev.trustcontracts.reposerver;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin web UI: a few static files from the classpath ({@code dev/trustcontracts/reposerver/ui/}) at
 * {@code /ui/}, a single page that reads and writes through the JSON API only. No file comes from outside
 * the fixed list below, nothing is loaded from another origin, and the pages carry a Content-Security-Policy
 * that allows scripts, styles and requests from this origin only (no inline script or style).
 */
final class WebUi {
    static final String BASE = "/ui/";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String ROOT = "dev/trustcontracts/reposerver/ui/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private WebUi() {
    }

    static void register(io.javalin.config.RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect(BASE, HttpStatus.FOUND));
        // Javalin matches /ui and /ui/ alike; the page's relative links need the slash
        r.get(BASE, ctx -> {
            if (ctx.path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                ctx.redirect(BASE, HttpStatus.FOUND);
            }
        });
        r.get(BASE + "{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    /** Headers for every response of the UI and the API. */
    static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }

    private static void serve(Context ctx, String file) {
        String type = FILES.get(file);
        if (type == null) {
            throw new ApiException(404, "no such file in the web UI");
        }
        securityHeaders(ctx);
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(type).result(bytes(file));
    }

    static byte[] bytes(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(ROOT + f)) {
                if (in == null) {
                    throw new IllegalStateException("the web UI resource " + ROOT + f + " is missing from the build");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
