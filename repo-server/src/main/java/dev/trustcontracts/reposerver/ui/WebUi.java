package dev.trustcontracts.reposerver.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin web UI: a few static files from the classpath ({@code dev/trustcontracts/reposerver/ui/}) at
 * {@code /ui/}, a single page that reads and writes through the JSON API only. No file comes from outside
 * the fixed list below, nothing is loaded from another origin, and the pages carry a Content-Security-Policy
 * that allows scripts, styles and requests from this origin only (no inline script or style). The HTTP side
 * serves them.
 */
public final class WebUi {
    public static final String BASE = "/ui/";
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String ROOT = "dev/trustcontracts/reposerver/ui/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    /** One file of the UI. */
    public record Page(String contentType, byte[] bytes) {
    }

    private WebUi() {
    }

    /** The file of this name, or empty when the UI has none (never a path outside the fixed list). */
    public static Optional<Page> page(String file) {
        String type = FILES.get(file);
        return type == null ? Optional.empty() : Optional.of(new Page(type, bytes(file)));
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
