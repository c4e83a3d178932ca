package dev.trustcontracts.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The repo-server's JSON API and plain HTTP, through java.net.http. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String auth;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    Api(String base, String user, String password) {
        this.base = base;
        this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    Response get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), false);
    }

    Response delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), true);
    }

    Response post(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()), true);
    }

    /** The valid contracts on main, name to id, as the API lists them (every page). */
    Map<String, String> contracts() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int page = 1, pages = 1; page <= pages; page++) {
            Response r = get("/api/contracts?size=200&page=" + page);
            if (r.status() != 200) {
                throw new IOException("GET /api/contracts: " + r);
            }
            for (JsonNode c : r.json().get("contracts")) {
                out.put(c.get("name").asText(), c.get("id").asText());
            }
            pages = r.json().get("pages").asInt();
        }
        return out;
    }

    private Response send(HttpRequest.Builder b, boolean withAuth) throws IOException {
        if (withAuth) {
            b.header("Authorization", auth);
        }
        b.timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
