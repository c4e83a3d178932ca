package dev.trustcontracts.agent;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * A real contract repository for tests: a bare repository (the remote) and a working clone that
 * commits and pushes to it with JGit, as an admin would.
 */
public final class ContractRepo implements AutoCloseable {
    public final Path bare;
    final Path work;
    private final Git git;

    private ContractRepo(Path bare, Path work, Git git) {
        this.bare = bare;
        this.work = work;
        this.git = git;
    }

    /** A bare repository with a first commit on main (a README and an empty contracts/). */
    public static ContractRepo create(Path dir) throws IOException, GitAPIException {
        Path bare = dir.resolve("remote.git");
        Path work = dir.resolve("admin-work");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        git.getRepository().getConfig().setString("remote", "origin", "url", bare.toUri().toString());
        git.getRepository().getConfig().save();
        Files.createDirectories(work.resolve("contracts"));
        Files.writeString(work.resolve("README.md"), "contracts for tests\n");
        Files.writeString(work.resolve("contracts/.gitkeep"), "");
        git.add().addFilepattern(".").call();
        git.commit().setMessage("first").setAuthor("admin", "admin@example.org").setCommitter("admin", "admin@example.org").setSign(false).call();
        ContractRepo r = new ContractRepo(bare, work, git);
        r.push(false);
        return r;
    }

    /** file:// URL of the bare repository. */
    public String url() {
        return bare.toUri().toString();
    }

    public RevCommit put(Contract c) throws IOException, GitAPIException {
        return putFile("contracts/" + c.getBody().getName() + ".yaml", ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8),
                "add " + c.getBody().getName());
    }

    RevCommit putFile(String path, byte[] content, String message) throws IOException, GitAPIException {
        Path f = work.resolve(path);
        Files.createDirectories(f.getParent());
        Files.write(f, content);
        git.add().addFilepattern(path).call();
        return commitAndPush(message);
    }

    public RevCommit delete(String contractName) throws IOException, GitAPIException {
        String path = "contracts/" + contractName + ".yaml";
        git.rm().addFilepattern(path).call();
        return commitAndPush("revoke " + contractName);
    }

    /** Commits what is staged without pushing. */
    RevCommit commitOnly(String message) throws GitAPIException {
        return git.commit().setMessage(message).setAuthor("admin", "admin@example.org")
                .setCommitter("admin", "admin@example.org").setSign(false).setAllowEmpty(true).call();
    }

    RevCommit commitAndPush(String message) throws GitAPIException {
        RevCommit c = commitOnly(message);
        push(false);
        return c;
    }

    /** Moves the remote's main to an older commit, as a force-push of rewritten history does. */
    public void forcePushMain(ObjectId commit) throws GitAPIException {
        Iterable<PushResult> rs = git.push().setRemote("origin").setForce(true)
                .setRefSpecs(new RefSpec("+" + commit.name() + ":refs/heads/main")).call();
        check(rs);
        git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(commit.name()).call();
    }

    public ObjectId remoteHead() throws IOException {
        try (Git b = Git.open(bare.toFile())) {
            return b.getRepository().exactRef("refs/heads/main").getObjectId();
        }
    }

    Git git() {
        return git;
    }

    private void push(boolean force) throws GitAPIException {
        check(git.push().setRemote("origin").setForce(force).setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call());
    }

    private static void check(Iterable<PushResult> results) {
        for (PushResult r : results) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                    throw new IllegalStateException("push failed: " + u.getStatus() + " " + u.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
