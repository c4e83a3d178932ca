package dev.trustcontracts.reposerver.git;

import java.io.IOException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/** Writes a commit object made by the server on behalf of an authenticated user. */
final class MainCommit {
    private MainCommit() {
    }

    static ObjectId write(Repository repo, ObjectId tree, String user, String message, ObjectId... parents)
            throws IOException {
        PersonIdent who = new PersonIdent(user, user + "@repo-server");
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        cb.setParentIds(parents);
        cb.setAuthor(who);
        cb.setCommitter(new PersonIdent("trustctl repo-server", "repo-server@localhost"));
        cb.setMessage(message);
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
