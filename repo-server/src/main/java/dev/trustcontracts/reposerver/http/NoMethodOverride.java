package dev.trustcontracts.reposerver.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses method overrides. Javalin routes by {@code X-HTTP-Method-Override} when a request carries it, so a
 * GET (which a page of another site can make with the browser's stored credentials, and which the same-origin
 * check lets through) would reach the DELETE route and revoke a contract. Every request naming an override
 * header is answered 400 before any route sees it; {@code _method} parameters mean nothing here.
 */
final class NoMethodOverride implements Filter {
    static final String[] HEADERS = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        for (String h : HEADERS) {
            if (req.getHeader(h) != null) {
                HttpServletResponse res = (HttpServletResponse) response;
                res.setStatus(400);
                res.setContentType("application/json");
                res.getOutputStream().write(("{\"status\": 400, \"error\": \"" + h + " is not accepted: send the "
                        + "request with its real method\"}\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
