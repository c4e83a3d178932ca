package dev.trustcontracts.core.tree;

import java.io.IOException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** A commit's tree read straight from a JGit repository, with blob ids as content ids. */
public final class GitTree implements TreeSource {
    private final Repository repository;
    private final AnyObjectId commit;
    private final long maxBlobBytes;

    /**
     * @param maxBlobBytes blobs larger than this are never loaded into memory (the scanner reports them
     *                     from their size alone)
     */
    public GitTree(Repository repository, AnyObjectId commit, long maxBlobBytes) {
        this.repository = repository;
        this.commit = commit;
        this.maxBlobBytes = maxBlobBytes;
    }

    @Override
    public void forEach(EntryConsumer consumer) throws IOException {
        try (ObjectReader reader = repository.newObjectReader();
             RevWalk rw = new RevWalk(reader);
             TreeWalk tw = new TreeWalk(reader)) {
            RevCommit c = rw.parseCommit(commit);
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                FileMode mode = tw.getFileMode(0);
                String path = tw.getPathString();
                if (mode == FileMode.SYMLINK) {
                    consumer.accept(new TreeEntry(path, TreeEntry.Kind.SYMLINK, 0, null, () -> new byte[0]));
                } else if (mode == FileMode.GITLINK) {
                    consumer.accept(new TreeEntry(path, TreeEntry.Kind.SUBMODULE, 0, null, () -> new byte[0]));
                } else if ((mode.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE) {
                    org.eclipse.jgit.lib.ObjectId id = tw.getObjectId(0);
                    long size = path.startsWith(RepositoryLayout.CONTRACTS_DIR) ? reader.getObjectSize(id,
                            org.eclipse.jgit.lib.Constants.OBJ_BLOB) : 0;
                    consumer.accept(new TreeEntry(path, TreeEntry.Kind.FILE, size, id.name(),
                            () -> reader.open(id).getCachedBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBlobBytes))));
                }
            }
        }
    }
}
