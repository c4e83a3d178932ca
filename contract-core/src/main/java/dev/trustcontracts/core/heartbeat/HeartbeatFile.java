package dev.trustcontracts.core.heartbeat;

import java.io.IOException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the heartbeat file a Git object holds: the {@value Heartbeat#FILE} of a commit's tree (as the repo-server
 * publishes it at {@value Heartbeat#REF}) or the blob itself; at most {@link HeartbeatVerifier#MAX_BYTES}. Read,
 * not verified: the server reads its own last one back, the agent hands it to the {@link HeartbeatVerifier}.
 */
public final class HeartbeatFile {
    private HeartbeatFile() {
    }

    /**
     * @throws MissingObjectException when the object or one it names is not in the repository
     * @throws IOException            ("not a heartbeat: ...") when it is another kind of object or too large
     */
    public static byte[] read(ObjectReader reader, ObjectId id) throws IOException {
        ObjectLoader obj = reader.open(id);
        if (obj.getType() == Constants.OBJ_BLOB) {
            return bounded(obj);
        }
        if (obj.getType() != Constants.OBJ_COMMIT) {
            throw new IOException("not a heartbeat: a " + Constants.typeString(obj.getType())
                    + " where a commit or blob belongs");
        }
        try (RevWalk rw = new RevWalk(reader)) {
            RevCommit commit = rw.parseCommit(id);
            try (TreeWalk tw = TreeWalk.forPath(reader, Heartbeat.FILE, commit.getTree())) {
                if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
                    throw new IOException("not a heartbeat: the commit has no file " + Heartbeat.FILE);
                }
                return bounded(reader.open(tw.getObjectId(0), Constants.OBJ_BLOB));
            }
        }
    }

    private static byte[] bounded(ObjectLoader blob) throws IOException {
        if (blob.getSize() > HeartbeatVerifier.MAX_BYTES) {
            throw new IOException("not a heartbeat: " + blob.getSize() + " bytes (at most "
                    + HeartbeatVerifier.MAX_BYTES + ")");
        }
        return blob.getCachedBytes(HeartbeatVerifier.MAX_BYTES);
    }
}
