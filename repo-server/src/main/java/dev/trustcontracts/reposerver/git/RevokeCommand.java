package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.reposerver.ServerMetrics;
import dev.trustcontracts.reposerver.auth.Access;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Revokes a contract: a commit on main that deletes its file, judged exactly as a push. */
public final class RevokeCommand extends MainCommand<RevokeCommand.Revoked> {
    private static final String[] EXTENSIONS = {".yaml", ".yml", ".pb"};

    private String name;

    /** What a revocation did. */
    public record Revoked(String commit, String path) {
    }

    RevokeCommand(ContractRepository repository, RefUpdates updates, ServerMetrics metrics) {
        super(repository, updates, metrics);
    }

    /** The contract to revoke, by name (its file's base name). */
    public RevokeCommand setContract(String name) {
        this.name = name;
        return this;
    }

    /** The user who revokes: a user of a zone the contract lists, or an admin. */
    public RevokeCommand setUser(Access who) {
        user(who);
        return this;
    }

    @Override
    void checkRequest() {
        if (!Names.isLabel(name)) {
            throw new OperationRefused(OperationRefused.Reason.INVALID_REQUEST, "'" + name + "' is not a contract name");
        }
    }

    @Override
    Attempt<Revoked> attempt(ObjectId main) throws IOException {
        String user = userName();
        Repository repo = repository.git();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit commit = rw.parseCommit(main);
            String path = find(reader, commit, name).orElseThrow(() -> new OperationRefused(
                    OperationRefused.Reason.NOT_FOUND, "no contract file for '" + name + "' on main"));
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            b.addTree(new byte[0], 0, reader, commit.getTree());
            b.finish();
            DirCacheEditor e = dc.editor();
            e.add(new DirCacheEditor.DeletePath(path));
            e.finish();
            ObjectId tree;
            try (ObjectInserter ins = repo.newObjectInserter()) {
                tree = dc.writeTree(ins);
                ins.flush();
            }
            ObjectId result = MainCommit.write(repo, tree, user, "Revoke contract " + name + "\n\nDeleted " + path
                    + " through the repo-server API by " + user + ".\n", main);
            return new Attempt<>(result, "revoke contract " + name, false, "revoke " + name + " by " + user,
                    new Revoked(result.name(), path));
        }
    }

    @Override
    void count(boolean done) {
        metrics.revocation(done ? "revoked" : "refused");
    }

    private static Optional<String> find(ObjectReader reader, RevCommit commit, String name) throws IOException {
        for (String ext : EXTENSIONS) {
            String path = "contracts/" + name + ext;
            try (TreeWalk tw = TreeWalk.forPath(reader, path, commit.getTree())) {
                if (tw != null) {
                    return Optional.of(path);
                }
            }
        }
        return Optional.empty();
    }
}
