package dev.trustcontracts.reposerver.git;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.http.server.resolver.AsIsFileService;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * JGit's smart HTTP servlet for the one repository, mounted at {@code /git/*}: the clone URL is
 * {@code http://HOST:PORT/git/contracts.git}. Every push goes through {@link RefUpdates}.
 */
public final class GitHttp {
    public static final String MOUNT = "/git/*";
    public static final String PATH = "/git/contracts.git";
    /** Request attribute holding the authenticated user name, set by the HTTP side's login filter. */
    public static final String USER = "dev.trustcontracts.reposerver.user";
    private static final String QUARANTINE = GitHttp.class.getName() + ".quarantine";

    private GitHttp() {
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
        servlet.setAsIsFileService(AsIsFileService.DISABLED); // no dumb HTTP: only what smart HTTP's rules serve
        servlet.setUploadPackFactory((req, db) -> new UploadPack(db));
        servlet.setReceivePackFactory((HttpServletRequest req, Repository db) -> {
            Object user = req.getAttribute(USER);
            if (!(user instanceof String name)) {
                throw new ServiceNotAuthorizedException();
            }
            String address = req.getRemoteAddr();
            // the POST carries the pack: it is received into a quarantine (the GET only lists refs)
            Quarantine quarantine = null;
            if ("POST".equals(req.getMethod())) {
                try {
                    quarantine = Quarantine.open(db);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open a quarantine for the push", e);
                }
                req.setAttribute(QUARANTINE, quarantine);
            }
            ReceivePack rp = new ReceivePack(quarantine == null ? db : quarantine.repository());
            if (quarantine != null) {
                // the refs the client's old ids are first checked against: the repository's own, as without a
                // quarantine, so that a push that lost a race hears "non-fast-forward" from RefUpdates
                try {
                    Map<String, Ref> refs = new HashMap<>();
                    db.getRefDatabase().getRefs().forEach(r -> refs.put(r.getName(), r));
                    rp.setAdvertisedRefs(refs, null);
                } catch (IOException e) {
                    quarantine.closeQuietly();
                    throw new UncheckedIOException("cannot read the refs", e);
                }
            }
            rp.setAtomic(true);
            rp.setAllowCreates(true);
            rp.setAllowDeletes(true);
            rp.setAllowNonFastForwards(true); // judged by RefUpdates, with a clearer message
            rp.setCheckReceivedObjects(true);
            // strict fsck of every received object: modes, names (.git, .gitmodules, ., .., names unsafe
            // on Windows or macOS), sort order and duplicates in trees, well-formed commits and identities
            rp.setObjectChecker(new ObjectChecker().setSafeForWindows(true).setSafeForMacOS(true));
            rp.setMaxObjectSizeLimit(limits.maxObjectBytes());
            rp.setMaxPackSizeLimit(limits.maxPackBytes());
            rp.setRefLogIdent(new PersonIdent(name, name + "@repo-server"));
            rp.setPreReceiveHook(new PushHook(updates, authorizer, name, address, quarantine,
                    new ObjectHygiene(limits.maxObjects())));
            return rp;
        });
        servlet.addReceivePackFilter((request, response, chain) -> {
            try {
                chain.doFilter(request, response);
            } finally {
                if (request.getAttribute(QUARANTINE) instanceof Quarantine q) {
                    boolean published = q.published();
                    q.close(); // what a refused push brought goes with it
                    if (published) {
                        repository.git().autoGC(NullProgressMonitor.INSTANCE); // ReceivePack ran it on the quarantine
                    }
                }
            }
        });
        return servlet;
    }

    /**
     * Bounds on what a push may carry, on top of the contract-level {@code ScanLimits}: JGit refuses larger
     * objects and packs while unpacking, and {@link ObjectHygiene} walks at most {@code maxObjects} new commits
     * and tree entries.
     */
    public record Limits(long maxObjectBytes, long maxPackBytes, int maxObjects) {
        public static final Limits DEFAULT = new Limits(4L << 20, 256L << 20, ObjectHygiene.DEFAULT_MAX_OBJECTS);
    }
}
