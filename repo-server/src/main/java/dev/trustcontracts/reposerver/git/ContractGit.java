package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.http.server.GitServlet;

/**
 * The Git side of the server, wired once, in the manner of JGit's {@code Git} class: the one place where refs
 * move ({@link RefUpdates}, shared by pushes and the commands), the smart-HTTP servlet that receives pushes,
 * and the porcelain the HTTP side calls: {@link #merge}, {@link #revoke}, {@link #history}, {@link #proposals}.
 */
public final class ContractGit {
    private final ContractRepository repository;
    private final RefUpdates updates;
    private final PushAuthorizer authorizer;
    private final ServerMetrics metrics;
    private final GitHttp.Limits limits;
    private final ContractHistory history;

    private ContractGit(ContractRepository repository, RefUpdates updates, PushAuthorizer authorizer,
                        ServerMetrics metrics, GitHttp.Limits limits) {
        this.repository = repository;
        this.updates = updates;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.limits = limits;
        this.history = new ContractHistory(repository);
    }

    /**
     * The Git side of a server whose repository is {@code repository} and whose data directory (branch
     * owners) is {@code dataDir}. Clears the quarantines a crash left behind: call before any push is served.
     *
     * @param validator judges every new main and proposal
     * @param index     receives every new main before the push lock is released
     * @param history   the first-parent and replay rules of main
     * @param users     who may push what (zones, admins)
     * @param limits    object and pack size limits of a push
     */
    public static ContractGit open(ContractRepository repository, Path dataDir, TreeValidator validator,
                                   ContractIndex index, MainHistory history, UserStore users, ServerMetrics metrics,
                                   Clock clock, GitHttp.Limits limits) throws IOException {
        Quarantine.clearStale(repository.git()); // objects of pushes a crash interrupted: never accepted
        RefUpdates updates = new RefUpdates(repository, validator, index, metrics, clock, history);
        PushAuthorizer authorizer = new PushAuthorizer(users, new BranchOwners(dataDir), clock);
        return new ContractGit(repository, updates, authorizer, metrics, limits);
    }

    public ContractRepository repository() {
        return repository;
    }

    /** JGit's smart-HTTP servlet for the repository; every push is judged before a ref moves. */
    public GitServlet servlet() {
        return GitHttp.servlet(repository, updates, authorizer, limits);
    }

    /** A merge of a proposal branch into main: set the branch and the user, then call it. */
    public MergeCommand merge() {
        return new MergeCommand(repository, updates, metrics);
    }

    /** A revocation of a contract on main: set the contract and the user, then call it. */
    public RevokeCommand revoke() {
        return new RevokeCommand(repository, updates, metrics);
    }

    /** How many history events {@link #history} answers when the request names no limit. */
    public static final int HISTORY_DEFAULT_LIMIT = ContractHistory.DEFAULT_LIMIT;

    /**
     * The audit trail of {@code contracts/} on main, newest first ({@code GET /api/history}).
     *
     * @param contract only events touching this contract name's files, or null for all
     * @param start    the commit to start from (a {@code next} of an earlier answer), or null for main
     * @param limit    at most this many events
     */
    public Map<String, Object> history(String contract, String start, int limit) throws IOException {
        return history.list(contract, null, start, limit);
    }

    /**
     * The audit trail, only the changes of contracts whose name contains {@code q} (case-insensitive; null or
     * empty for all).
     */
    public Map<String, Object> history(String contract, String q, String start, int limit) throws IOException {
        return history.list(contract, q, start, limit);
    }

    /** The latest event that added or changed the file at {@code path} on main: where its content came from. */
    public Optional<Map<String, Object>> lastChange(String path) throws IOException {
        return history.lastChange(path);
    }

    /** The branches other than main, with whether each is already merged. */
    public List<Map<String, Object>> proposals() throws IOException {
        return ProposalList.list(repository);
    }
}
