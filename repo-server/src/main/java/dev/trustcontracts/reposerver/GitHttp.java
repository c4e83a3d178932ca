package dev.trustcontracts.reposerver;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGit's smart HTTP servlet for the one repository, mounted at {@code /git/*}: the clone URL is
 * {@code http://HOST:PORT/git/contracts.git}. Every push goes through {@link RefUpdates}.
 */
public final class GitHttp {
    public static final String MOUNT = "/git/*";
    public static final String PATH = "/git/contracts.git";
    private static final Logger LOG = LoggerFactory.getLogger(GitHttp.class);

    private GitHttp() {
    }

    public static GitServlet servlet(ContractRepository repository, RefUpdates updates, Limits limits) {
        return servlet(repository, updates, null, limits);
    }

    /** The servlet, with pushes judged first by {@code authorizer} (null: every user may push anything). */
    static GitServlet servlet(ContractRepository repository, RefUpdates updates, PushAuthorizer authorizer,
                              Limits limits) {
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver((req, name) -> {
            if (!name.equals("contracts.git") && !name.equals("contracts")) {
                throw new RepositoryNotFoundException(name);
            }
            Repository r = repository.git();
            r.incrementOpen(); // the servlet closes it after each request
            return r;
        });
        servlet.setUploadPackFactory((req, db) -> new UploadPack(db));
        servlet.setReceivePackFactory((HttpServletRequest req, Repository db) -> {
            Object user = req.getAttribute(GitAuthFilter.USER);
            if (!(user instanceof String name)) {
                throw new ServiceNotAuthorizedException();
            }
            String address = req.getRemoteAddr();
            ReceivePack rp = new ReceivePack(db);
            rp.setAtomic(true);
            rp.setAllowCreates(true);
            rp.setAllowDeletes(true);
            rp.setAllowNonFastForwards(true); // judged by RefUpdates, with a clearer message
            rp.setCheckReceivedObjects(true);
            rp.setMaxObjectSizeLimit(limits.maxObjectBytes());
            rp.setMaxPackSizeLimit(limits.maxPackBytes());
            rp.setRefLogIdent(new PersonIdent(name, name + "@repo-server"));
            rp.setPreReceiveHook((pack, commands) -> {
                try {
                    if (authorizer == null || authorizer.admit(commands, name, pack::sendMessage)) {
                        updates.receive(commands, name, pack::sendMessage);
                        if (authorizer != null) {
                            authorizer.applied(commands, name);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.error("push by {} failed", name, e);
                    for (ReceiveCommand c : commands) {
                        if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                            c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "internal error: " + e);
                        }
                    }
                }
                Audit.push(name, address, commands);
            });
            return rp;
        });
        return servlet;
    }

    /**
     * Bounds on what a push may carry, on top of the contract-level {@code ScanLimits}: JGit refuses larger
     * objects and packs while unpacking.
     */
    public record Limits(long maxObjectBytes, long maxPackBytes) {
        public static final Limits DEFAULT = new Limits(4L << 20, 256L << 20);
    }
}
