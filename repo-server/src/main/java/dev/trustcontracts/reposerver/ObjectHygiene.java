package dev.trustcontracts.reposerver;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevBlob;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * Checks the object graph a push would make reachable, beyond what JGit's {@code ObjectChecker} sees in
 * each object alone: every new branch tip is a commit (a tag there would be peeled by some readers and
 * break others), and every tree entry names an object of the type its mode says (a {@code 100644} entry
 * pointing at a tree makes every later clone fail with "did not send all necessary objects"). Only objects
 * not reachable from the refs already on the server are walked, at most {@code maxObjects} of them.
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
        try (ObjectReader reader = objects.newObjectReader(); ObjectWalk walk = new ObjectWalk(reader)) {
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
                if (!(tip instanceof RevCommit)) {
                    return Optional.of(new Refusal(cmd.getRefName(), "a branch must point at a commit; "
                            + cmd.getNewId().abbreviate(10).name() + " is a "
                            + Constants.typeString(tip.getType()), "not-a-commit"));
                }
                walk.markStart(tip);
                any = true;
            }
            if (!any) {
                return Optional.empty();
            }
            for (Ref ref : objects.getRefDatabase().getRefs()) {
                ObjectId id = ref.getObjectId();
                if (id != null) {
                    try {
                        walk.markUninteresting(walk.parseAny(id));
                    } catch (MissingObjectException e) {
                        // a broken ref on the server is not this push's fault; it just hides nothing
                    }
                }
            }
            return walk(walk, reader);
        }
    }

    private Optional<Refusal> walk(ObjectWalk walk, ObjectReader reader) throws IOException {
        int seen = 0;
        try {
            RevCommit c;
            while ((c = walk.next()) != null) {
                if (++seen > maxObjects) {
                    return tooMany();
                }
            }
            RevObject o;
            while ((o = walk.nextObject()) != null) {
                if (++seen > maxObjects) {
                    return tooMany();
                }
                if (o instanceof RevBlob) {
                    // the walk opens trees as trees; a blob entry's target is only known once opened
                    reader.open(o, Constants.OBJ_BLOB);
                } else if (!(o instanceof RevTree)) {
                    return Optional.of(new Refusal(null, "unexpected " + Constants.typeString(o.getType())
                            + " " + o.name() + " in a tree", "object-type"));
                }
            }
        } catch (IncorrectObjectTypeException e) {
            String path = walk.getPathString();
            return Optional.of(new Refusal(null, "broken object graph" + (path == null ? "" : " at " + path)
                    + ": " + oneLine(e.getMessage()) + " (a tree entry's mode must match its object's type)",
                    "object-type"));
        } catch (MissingObjectException e) {
            return Optional.of(new Refusal(null, "the push lacks object " + e.getObjectId().name()
                    + " that its commits need", "missing-object"));
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
