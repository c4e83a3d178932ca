package dev.trustcontracts.reposerver.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jgit.http.server.GitSmartHttpTools;

/**
 * A read-only mirror's Git endpoint: the receive-pack service (push) is refused before any login, as a
 * smart-HTTP error that Git clients print as the remote's message ("read-only mirror of URL: push to the
 * primary"); clone and fetch pass.
 */
final class ReadOnlyGitFilter implements Filter {
    private final String refusal;

    ReadOnlyGitFilter(String refusal) {
        this.refusal = refusal;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (GitAuthFilter.isReceivePack(req)) {
            // 200 with the protocol's ERR line: Git clients print the line itself (on a 403 they print only the status)
            GitSmartHttpTools.sendError(req, (HttpServletResponse) response, HttpServletResponse.SC_OK, refusal);
            return;
        }
        chain.doFilter(request, response);
    }
}
