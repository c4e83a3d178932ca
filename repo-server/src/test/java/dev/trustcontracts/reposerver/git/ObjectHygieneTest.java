package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object graph checks on a real repository, without the HTTP layer (the attacks via clients are in GitHygieneTest). */
class ObjectHygieneTest {
    @TempDir
    Path tmp;

    private static ObjectId commit(ObjectInserter ins, ObjectId tree, ObjectId... parents) throws Exception {
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        cb.setParentIds(parents);
        PersonIdent who = new PersonIdent("t", "t@example.test");
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage("m\n");
        return ins.insert(cb);
    }

    private static ReceiveCommand create(ObjectId id, String ref) {
        return new ReceiveCommand(ObjectId.zeroId(), id, ref);
    }

    @Test
    void findsModeTypeMismatchesTagsAsTipsAndTooManyObjects() throws Exception {
        try (Repository repo = new FileRepository(tmp.resolve("r.git").toFile())) {
            repo.create(true);
            try (ObjectInserter ins = repo.newObjectInserter()) {
                ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x".getBytes(StandardCharsets.UTF_8));
                TreeFormatter sub = new TreeFormatter();
                sub.append("f", FileMode.REGULAR_FILE, blob);
                ObjectId subTree = ins.insert(sub);
                TreeFormatter good = new TreeFormatter();
                good.append("a", FileMode.REGULAR_FILE, blob);
                good.append("d", FileMode.TREE, subTree);
                ObjectId goodCommit = commit(ins, ins.insert(good));

                TreeFormatter fileIsTree = new TreeFormatter();
                fileIsTree.append("a", FileMode.REGULAR_FILE, blob);
                fileIsTree.append("d", FileMode.TREE, subTree);
                fileIsTree.append("junk.txt", FileMode.REGULAR_FILE, subTree);
                ObjectId badCommit = commit(ins, ins.insert(fileIsTree), goodCommit);

                TreeFormatter linkIsTree = new TreeFormatter();
                linkIsTree.append("l", FileMode.SYMLINK, subTree);
                ObjectId badLink = commit(ins, ins.insert(linkIsTree));

                TagBuilder tag = new TagBuilder();
                tag.setObjectId(goodCommit, Constants.OBJ_COMMIT);
                tag.setTag("t");
                tag.setTagger(new PersonIdent("t", "t@example.test"));
                tag.setMessage("tag\n");
                ObjectId tagId = ins.insert(tag);
                ins.flush();

                ObjectHygiene h = new ObjectHygiene(ObjectHygiene.DEFAULT_MAX_OBJECTS);
                assertThat(h.check(repo, List.of(create(goodCommit, "refs/heads/main")))).isEmpty();
                assertThat(h.check(repo, List.of(create(badCommit, "refs/heads/main"))))
                        .hasValueSatisfying(r -> {
                            assertThat(r.rule()).isEqualTo("object-type");
                            assertThat(r.reason()).contains("at junk.txt");
                        });
                assertThat(h.check(repo, List.of(create(badLink, "refs/heads/p")))).hasValueSatisfying(
                        r -> assertThat(r.rule()).isEqualTo("object-type"));
                assertThat(h.check(repo, List.of(create(tagId, "refs/heads/main")))).hasValueSatisfying(r -> {
                    assertThat(r.rule()).isEqualTo("not-a-commit");
                    assertThat(r.ref()).isEqualTo("refs/heads/main");
                });
                assertThat(h.check(repo, List.of(create(ObjectId.fromString(
                        "0123456789012345678901234567890123456789"), "refs/heads/p"))))
                        .hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo("missing-object"));
                // one commit and two entries (a, d/f): over a limit of 2
                assertThat(new ObjectHygiene(2).check(repo, List.of(create(goodCommit, "refs/heads/main"))))
                        .hasValueSatisfying(r -> assertThat(r.rule()).isEqualTo("too-many-objects"));
                // a deletion brings nothing to check
                assertThat(h.check(repo, List.of(new ReceiveCommand(goodCommit, ObjectId.zeroId(), "refs/heads/p"))))
                        .isEmpty();
            }
        }
    }
}
