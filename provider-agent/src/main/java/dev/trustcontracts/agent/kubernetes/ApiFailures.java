package dev.trustcontracts.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/**
 * Words for a failed API call: the HTTP reason and the API server's own status message (which names the object and
 * the verb, never its data), or what happened to the connection. No class name reaches the operator.
 */
final class ApiFailures {
    private ApiFailures() {
    }

    static String reason(int code) {
        return switch (code) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "HTTP error";
        };
    }

    /** The API server's Status message, or a placeholder when it sent none. */
    static String status(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
            return oneLine(e.getStatus().getMessage());
        }
        return "no status message";
    }

    /** What happened to the connection, from the innermost cause. */
    static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof HttpTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "timed out";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS failed: " + oneLine(String.valueOf(t.getMessage()));
            }
            if (t.getCause() == null) {
                return t.getMessage() == null ? "no answer" : oneLine(t.getMessage());
            }
        }
        return "no answer";
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
