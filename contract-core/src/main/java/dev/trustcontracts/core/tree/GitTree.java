package dev.trustcontracts.core.tree;

import java.io.IOException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

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
                TreeEntry e = entry(reader, tw.getPathString(), tw.getFileMode(0), tw.getObjectId(0), maxBlobBytes);
                if (e != null) {
                    consumer.accept(e);
                }
            }
        }
    }

    /**
     * The paths whose entries differ from commit {@code from} (null: the empty tree) to commit {@code to}:
     * a walk that skips identical subtrees and never reads unchanged blobs.
     */
    public static TreeDiff diff(Repository repository, AnyObjectId from, AnyObjectId to, long maxBlobBytes) {
        return consumer -> {
            try (ObjectReader reader = repository.newObjectReader();
                 RevWalk rw = new RevWalk(reader)) {
                GitDiffWalk.forEach(reader, GitDiffWalk.treeOf(rw, from), rw.parseCommit(to).getTree(), TreeFilter.ALL,
                        c -> consumer.accept(new TreeChange(c.path(), c.deleted() ? null
                                : entry(reader, c.path(), c.newMode(), c.newId(), maxBlobBytes))));
            }
        };
    }

    /** The entry of {@code path} with this mode and object id, or null for a kind the scanner ignores. */
    private static TreeEntry entry(ObjectReader reader, String path, FileMode mode, ObjectId id, long maxBlobBytes)
            throws IOException {
        if (mode == FileMode.SYMLINK) {
            return new TreeEntry(path, TreeEntry.Kind.SYMLINK, 0, null, () -> new byte[0]);
        }
        if (mode == FileMode.GITLINK) {
            return new TreeEntry(path, TreeEntry.Kind.SUBMODULE, 0, null, () -> new byte[0]);
        }
        if ((mode.getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE) {
            long size = path.startsWith(RepositoryLayout.CONTRACTS_DIR) ? reader.getObjectSize(id, Constants.OBJ_BLOB) : 0;
            return new TreeEntry(path, TreeEntry.Kind.FILE, size, id.name(),
                    () -> reader.open(id).getCachedBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBlobBytes)));
        }
        return null;
    }
}
