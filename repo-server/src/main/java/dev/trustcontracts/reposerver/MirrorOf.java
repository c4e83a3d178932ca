package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.net.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What a read-only mirror follows ({@code trustctl repo-server --mirror-of URL}): the primary's Git URL and
 * what it takes to reach it. A server with one serves fetches, gRPC, JSON and the UI from its own verified copy
 * of the primary's main and refuses every write.
 *
 * @param primary     the primary's Git URL, {@code http(s)://HOST:PORT/git/contracts.git}, without credentials
 * @param credentials a file whose first line is {@code USER:PASSWORD} for a primary that runs with
 *                    {@code --private} (sent to Git and the watch stream), or null
 * @param caBundle    PEM roots that an {@code https} primary's certificate (Git and watch) must chain to, or null
 *                    for the JVM's trust store
 * @param watch       the primary's gRPC address, whose watch stream rings the mirror to fetch at once, or null
 *                    (polling only); TLS when the primary's URL is {@code https}
 * @param pollEvery   the fetch of the primary's refs that runs whether or not the watch stream rang
 * @param timeout     how long one fetch may wait on the primary before it is given up
 */
public record MirrorOf(String primary, Path credentials, Path caBundle, HostPort watch, Duration pollEvery,
                       Duration timeout) {
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public MirrorOf {
        URI uri;
        try {
            uri = new URI(primary);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--mirror-of " + primary + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("--mirror-of " + primary
                    + " is not an http:// or https:// URL of the primary's repository");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("--mirror-of " + primary.replace(uri.getRawUserInfo() + "@", "")
                    + ": no credentials in the URL (they would be logged and shown); put USER:PASSWORD in the file "
                    + "of --mirror-credentials");
        }
        if (caBundle != null && !scheme.equals("https")) {
            throw new IllegalArgumentException("--mirror-ca is for an https:// primary; " + primary + " is not one");
        }
        if (pollEvery == null || pollEvery.isNegative() || pollEvery.isZero()) {
            throw new IllegalArgumentException("--mirror-poll-every must be positive");
        }
        if (timeout == null || timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("the mirror's fetch timeout must be at least one second");
        }
    }

    /** Following {@code primary}, polling every 30 s, without credentials, CA bundle or watch stream. */
    public static MirrorOf of(String primary) {
        return new MirrorOf(primary, null, null, null, DEFAULT_POLL, DEFAULT_TIMEOUT);
    }

    public MirrorOf withWatch(HostPort v) {
        return new MirrorOf(primary, credentials, caBundle, v, pollEvery, timeout);
    }

    public MirrorOf withPollEvery(Duration v) {
        return new MirrorOf(primary, credentials, caBundle, watch, v, timeout);
    }

    public MirrorOf withCredentials(Path v) {
        return new MirrorOf(primary, v, caBundle, watch, pollEvery, timeout);
    }

    public MirrorOf withCaBundle(Path v) {
        return new MirrorOf(primary, credentials, v, watch, pollEvery, timeout);
    }

    public boolean tls() {
        return primary.regionMatches(true, 0, "https:", 0, 6);
    }

    /** The one line every write to the mirror is refused with. */
    public String refusal(String what) {
        return "read-only mirror of " + primary + ": " + what;
    }
}
