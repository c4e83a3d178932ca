package dev.trustcontracts.cli.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.UserError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The repo-server's JSON API through the JDK's HTTP client: one request per call, the answer as a Jackson tree,
 * and every failure (no connection, an untrusted certificate, a refusal) as a one-line {@link UserError} in the
 * operator's terms, never an exception's class name.
 */
final class ServerClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final boolean customCa;

    ServerClient(URI base, Optional<SSLContext> tls, Optional<String> authorization, Duration timeout) {
        this.base = base;
        this.authorization = authorization;
        this.timeout = timeout;
        this.customCa = tls.isPresent();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        tls.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** The server's URL as the operator gave it, for messages. */
    URI base() {
        return base;
    }

    JsonNode get(String path, Map<String, String> query) {
        return send(request(path, query).GET());
    }

    JsonNode post(String path, Map<String, String> query) {
        return send(request(path, query).POST(HttpRequest.BodyPublishers.noBody()));
    }

    JsonNode delete(String path) {
        return send(request(path, Map.of()).DELETE());
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        URI uri = base.resolve(prefix + path + q);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        authorization.ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest req = builder.build();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UserError(unreachable(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for " + base);
        }
        JsonNode body = parse(resp.body());
        int status = resp.statusCode();
        if (status / 100 == 2) {
            if (body == null) {
                throw new UserError(base + " answered " + req.uri().getRawPath() + " with something that is not JSON: "
                        + "is it a trustctl repo-server?");
            }
            return body;
        }
        throw refusal(status, body, resp.headers().firstValue("Retry-After"), req.uri().getRawPath());
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** A 4xx/5xx answer in one line: the server's own reason where it gave one, with an exit code by kind. */
    private UserError refusal(int status, JsonNode body, Optional<String> retryAfter, String path) {
        String reason = body == null ? null : text(body.get("error"));
        if (reason == null) {
            reason = status == 404 ? base + " has no trustctl API at " + path + ": is it a trustctl repo-server?"
                    : base + " answered HTTP " + status + " to " + path;
        }
        return switch (status) {
            case 400 -> new UserError("the server refused the request: " + reason, ExitCodes.USAGE);
            case 401 -> new UserError(authorization.isEmpty()
                    ? "the server needs a login: give --username and --password-file, or set TRUSTCTL_SERVER_USERNAME "
                            + "and TRUSTCTL_SERVER_PASSWORD"
                    : "login refused: " + reason, ExitCodes.DENIED);
            case 403 -> new UserError("not allowed: " + reason, ExitCodes.DENIED);
            case 404, 410 -> new UserError(reason, ExitCodes.NOT_FOUND); // 410: a revoked contract
            case 409, 422 -> new UserError(problems(reason, body), ExitCodes.INVALID);
            case 429 -> new UserError("too many attempts: " + reason
                    + retryAfter.map(s -> "; try again in " + s + " s").orElse(""), ExitCodes.BUSY);
            case 503 -> new UserError("the server is busy: " + reason
                    + retryAfter.map(s -> "; try again in " + s + " s").orElse(""), ExitCodes.BUSY);
            default -> new UserError(reason + " (HTTP " + status + ")");
        };
    }

    /** The first problem line when the server listed them (it names file and rule), and how many more there are. */
    private static String problems(String reason, JsonNode body) {
        JsonNode problems = body == null ? null : body.get("problems");
        if (problems == null || !problems.isArray() || problems.isEmpty()) {
            return reason;
        }
        String first = text(problems.get(0));
        int more = problems.size() - 1;
        return first + (more == 0 ? "" : " (and " + more + " more problem" + (more == 1 ? "" : "s")
                + "; -o json lists them)");
    }

    /** Why no answer came, in the operator's terms: what to check, not which exception the JDK threw. */
    private String unreachable(IOException e) {
        String host = base.getHost();
        if (has(e, UnresolvedAddressException.class) || has(e, java.net.UnknownHostException.class)) {
            return "cannot reach " + base + ": unknown host " + host;
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "cannot reach " + base + ": no connection within " + timeout.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return base + " did not answer within " + timeout.toSeconds() + " s";
        }
        if (e instanceof ConnectException || has(e, ConnectException.class)) {
            return "cannot reach " + base + ": connection refused";
        }
        SSLException tls = find(e, SSLException.class);
        if (tls != null) {
            String m = String.valueOf(tls.getMessage());
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "server certificate of " + base + " does not name " + host;
            }
            if (tls instanceof SSLHandshakeException && (has(e, CertificateException.class)
                    || m.contains("PKIX") || m.contains("certification path"))) {
                return customCa ? "server certificate of " + base + " not trusted: it does not chain to --ca"
                        : "server certificate of " + base + " not trusted (give --ca FILE, the CA that issued it)";
            }
            if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext")) {
                return base + " does not speak TLS: use http:// for a server without --tls-cert";
            }
            return "TLS handshake with " + base + " failed";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (base.getScheme().equals("http") && (m.contains("EOF") || m.contains("closed") || m.contains("reset"))) {
            return base + " closed the connection: use https:// for a server with TLS";
        }
        return "cannot reach " + base + ": the connection failed";
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    /** The server's JSON for {@code -o json}: indented, as the server sent it. */
    static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }
}
