package dev.trustcontracts.reposerver;

import dev.trustcontracts.core.contract.Names;
import java.io.IOException;
import java.util.Map;
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
public final class ContractRevoker {
    private static final String[] EXTENSIONS = {".yaml", ".yml", ".pb"};
    private static final int ATTEMPTS = 3;

    private final ContractRepository repository;
    private final RefUpdates updates;
    private final ServerMetrics metrics;

    /** What a revocation did. */
    public record Revoked(String commit, String path) {
        Map<String, Object> json() {
            return Map.of("revoked", true, "commit", commit, "path", path);
        }
    }

    public ContractRevoker(ContractRepository repository, RefUpdates updates, ServerMetrics metrics) {
        this.repository = repository;
        this.updates = updates;
        this.metrics = metrics;
    }

    public Revoked revoke(String name, Access who) throws IOException {
        try {
            Revoked r = attempt(name, who);
            metrics.revocation("revoked");
            return r;
        } catch (ApiException e) {
            metrics.revocation("refused");
            throw e;
        }
    }

    private Revoked attempt(String name, Access who) throws IOException {
        String user = who.user();
        if (!Names.isLabel(name)) {
            throw new ApiException(400, "'" + name + "' is not a contract name");
        }
        Repository repo = repository.git();
        for (int i = 1; ; i++) {
            ObjectId main = repository.main();
            ObjectId result;
            String path;
            try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
                RevCommit commit = rw.parseCommit(main);
                path = find(reader, commit, name)
                        .orElseThrow(() -> new ApiException(404, "no contract file for '" + name + "' on main"));
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
                result = MainCommit.write(repo, tree, user, "Revoke contract " + name + "\n\nDeleted " + path
                        + " through the repo-server API by " + user + ".\n", main);
            }
            ZoneRule.refuse(repo, main, result, who, "revoke contract " + name, false);
            RefUpdates.Outcome o = updates.updateMain(main, result, user, "revoke " + name + " by " + user);
            if (o.accepted()) {
                return new Revoked(result.name(), path);
            }
            if (!o.rules().contains("non-fast-forward") || i >= ATTEMPTS) {
                throw ApiException.refused(o);
            }
        }
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
