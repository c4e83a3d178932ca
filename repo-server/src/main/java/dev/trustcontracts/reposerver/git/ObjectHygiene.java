package dev.trustcontracts.reposerver.git;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Checks the object graph a push would make reachable, beyond what JGit's {@code ObjectChecker} sees in
 * each object alone: every new branch tip is a commit (a tag there would be peeled by some readers and
 * break others), and every tree entry names an object of the type its mode says (a {@code 100644} entry
 * pointing at a tree makes every later clone fail with "did not send all necessary objects"). Only commits
 * not reachable from the refs already on the server are walked, and of each only the entries it changes;
 * at most {@code maxObjects} commits and entries in all.
 */
final class ObjectHygiene {
    /** New objects one push may bring: far above a real contract push, far below what exhausts the server. */
    static final int DEFAULT_MAX_OBJECTS = 100_000;

    private final int maxObjects;

    /** Why a push is refused: the ref concerned (null: the push as a whole), a one-line reason and its rule. */
    record Refusal(String ref, String reason, String rule) {
    }

    ObjectHygiene(int maxObjects) {
        this.maxObjects = maxObjects;
    }

    /** The first problem of the push's new objects, read from {@code objects} (the push's quarantine). */
    Optional<Refusal> check(Repository objects, Collection<ReceiveCommand> commands) throws IOException {
        try (ObjectReader reader = objects.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            boolean any = false;
            for (ReceiveCommand cmd : commands) {
                if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                    continue;
                }
                RevObject tip;
                try {
                    tip = walk.parseAny(cmd.getNewId());
                } catch (MissingObjectException e) {
                    return Optional.of(new Refusal(cmd.getRefName(), "object " + cmd.getNewId().name()
                            + " is missing", "missing-object"));
                }
                if (!(tip instanceof RevCommit c)) {
                    return Optional.of(new Refusal(cmd.getRefName(), "a branch must point at a commit; "
                            + cmd.getNewId().abbreviate(10).name() + " is a "
                            + Constants.typeString(tip.getType()), "not-a-commit"));
                }
                walk.markStart(c);
                any = true;
            }
            if (!any) {
                return Optional.empty();
            }
            for (Ref ref : objects.getRefDatabase().getRefs()) {
                ObjectId id = ref.getObjectId();
                if (id != null) {
                    try {
                        if (walk.peel(walk.parseAny(id)) instanceof RevCommit known) {
                            walk.markUninteresting(known);
                        }
                    } catch (MissingObjectException e) {
                        // a broken ref on the server is not this push's fault; it just hides nothing
                    }
                }
            }
            try {
                return walk(walk, reader);
            } catch (MissingObjectException e) {
                return Optional.of(new Refusal(null, "the push lacks object " + e.getObjectId().name()
                        + " that its commits need", "missing-object"));
            } catch (IncorrectObjectTypeException e) {
                return Optional.of(new Refusal(null, "broken object graph: " + oneLine(e.getMessage()),
                        "object-type"));
            }
        }
    }

    /**
     * Each new commit's tree against its first parent's (the empty tree for a root): every entry that differs
     * is opened as the type its mode says. Entries equal to the parent's were checked when that commit came.
     * JGit's {@code ObjectWalk} alone does not do this: it skips an id it has already seen as another type.
     */
    private Optional<Refusal> walk(RevWalk walk, ObjectReader reader) throws IOException {
        int seen = 0;
        Set<ObjectId> blobs = new HashSet<>();
        RevCommit c;
        while ((c = walk.next()) != null) {
            if (++seen > maxObjects) {
                return tooMany();
            }
            try (TreeWalk tw = new TreeWalk(reader)) {
                try {
                    tw.addTree(c.getTree());
                } catch (IncorrectObjectTypeException e) {
                    return Optional.of(new Refusal(null, "commit " + c.abbreviate(10).name() + " names "
                            + c.getTree().name() + " as its tree, but that is not a tree", "object-type"));
                }
                if (c.getParentCount() > 0) {
                    tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
                } else {
                    tw.addTree(new EmptyTreeIterator());
                }
                tw.setRecursive(true);
                tw.setFilter(TreeFilter.ANY_DIFF);
                try {
                    while (tw.next()) {
                        if (++seen > maxObjects) {
                            return tooMany();
                        }
                        int type = tw.getRawMode(0) & FileMode.TYPE_MASK;
                        ObjectId id = tw.getObjectId(0);
                        if ((type == FileMode.TYPE_FILE || type == FileMode.TYPE_SYMLINK) && blobs.add(id)) {
                            reader.open(id, Constants.OBJ_BLOB); // throws when the entry names a tree or a commit
                        }
                    }
                } catch (IncorrectObjectTypeException e) {
                    return Optional.of(new Refusal(null, "broken object graph at " + tw.getPathString()
                            + " in commit " + c.abbreviate(10).name() + ": " + oneLine(e.getMessage())
                            + " (a tree entry's mode must match its object's type)", "object-type"));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Refusal> tooMany() {
        return Optional.of(new Refusal(null, "the push brings more than " + maxObjects
                + " new objects; split it into smaller pushes", "too-many-objects"));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
