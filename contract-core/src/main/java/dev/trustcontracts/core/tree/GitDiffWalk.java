package dev.trustcontracts.core.tree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The one walk over the paths that differ between two Git trees, on JGit's {@link TreeWalk} with
 * {@link TreeFilter#ANY_DIFF}: recursive, in path order, skipping identical subtrees and reading no blob.
 * The scanner's {@link TreeDiff} (through {@link GitTree#diff}), the history rules and the server's
 * push checks all walk with it.
 */
public final class GitDiffWalk {
    private GitDiffWalk() {
    }

    /**
     * One path whose entry differs. An absent side has {@link FileMode#MISSING} and the zero id; callers
     * test whichever of the two they mean (a crafted tree may name the zero id for a present entry).
     */
    public record PathChange(String path, FileMode oldMode, ObjectId oldId, FileMode newMode, ObjectId newId) {
        /** The old tree has no entry here (mode missing): an added path. */
        public boolean added() {
            return oldMode == FileMode.MISSING;
        }

        /** The new tree has no entry here (mode missing): a deleted path. */
        public boolean deleted() {
            return newMode == FileMode.MISSING;
        }
    }

    /** What to do with each change; false stops the walk. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(PathChange change) throws IOException;
    }

    /** What to do with each change, for a walk that visits every one. */
    @FunctionalInterface
    public interface Consumer {
        void accept(PathChange change) throws IOException;
    }

    /**
     * Visits the changes from {@code oldTree} to {@code newTree} under {@code paths}, until the visitor
     * says stop.
     *
     * @param oldTree a tree id, or null for the empty tree
     * @param paths   which paths to walk: {@link TreeFilter#ALL}, {@link #under(String)}, or any filter
     */
    public static void walk(ObjectReader reader, AnyObjectId oldTree, AnyObjectId newTree, TreeFilter paths,
            Visitor visitor) throws IOException {
        try (TreeWalk tw = new TreeWalk(reader)) {
            if (oldTree == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(oldTree);
            }
            tw.addTree(newTree);
            tw.setRecursive(true);
            tw.setFilter(paths == TreeFilter.ALL ? TreeFilter.ANY_DIFF : AndTreeFilter.create(paths, TreeFilter.ANY_DIFF));
            while (tw.next()) {
                PathChange c = new PathChange(tw.getPathString(), tw.getFileMode(0), tw.getObjectId(0),
                        tw.getFileMode(1), tw.getObjectId(1));
                if (!visitor.visit(c)) {
                    return;
                }
            }
        }
    }

    /** Visits every change from {@code oldTree} (null: the empty tree) to {@code newTree} under {@code paths}. */
    public static void forEach(ObjectReader reader, AnyObjectId oldTree, AnyObjectId newTree, TreeFilter paths,
            Consumer consumer) throws IOException {
        walk(reader, oldTree, newTree, paths, c -> {
            consumer.accept(c);
            return true;
        });
    }

    /**
     * Every change from {@code oldTree} (null: the empty tree) to {@code newTree} under {@code paths}, as a
     * list: for callers that loop over a diff already bounded elsewhere (a validated push, one commit).
     */
    public static List<PathChange> changes(ObjectReader reader, AnyObjectId oldTree, AnyObjectId newTree,
            TreeFilter paths) throws IOException {
        List<PathChange> out = new ArrayList<>();
        forEach(reader, oldTree, newTree, paths, out::add);
        return out;
    }

    /** The tree of a commit; null (the empty tree) for null or the zero id, as a ref's creation has. */
    public static RevTree treeOf(RevWalk rw, AnyObjectId commit) throws IOException {
        if (commit == null || ObjectId.zeroId().equals(commit)) {
            return null;
        }
        return rw.parseCommit(commit).getTree();
    }

    /** The paths under a directory, written with or without its trailing slash ("contracts/"). */
    public static TreeFilter under(String dir) {
        return PathFilter.create(dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir);
    }
}
