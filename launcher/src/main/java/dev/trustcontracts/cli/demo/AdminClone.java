package dev.trustcontracts.cli.demo;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.SigningException;
import dev.trustcontracts.core.tree.RepositoryLayout;
import dev.trustcontracts.pki.Credential;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/** An admin's working copy of the contract repository: edit, commit, push over HTTPS with JGit. */
final class AdminClone implements AutoCloseable {
    private final Git git;
    private final String admin;
    private final UsernamePasswordCredentialsProvider credentials;
    private final TransportConfigCallback https;
    private String lastPushMessage;

    private AdminClone(Git git, String admin, UsernamePasswordCredentialsProvider credentials,
            TransportConfigCallback https) {
        this.git = git;
        this.admin = admin;
        this.credentials = credentials;
        this.https = https;
    }

    /** @param https how the clone, its fetches and pushes check the server's certificate */
    static AdminClone clone(String gitUrl, Path dir, String admin, String user, char[] password,
            TransportConfigCallback https) throws GitAPIException {
        Git git = Git.cloneRepository().setURI(gitUrl).setDirectory(dir.toFile()).setBranch("main")
                .setTransportConfigCallback(https).call();
        return new AdminClone(git, admin, new UsernamePasswordCredentialsProvider(user, password), https);
    }

    Path file(String contract) {
        return git.getRepository().getWorkTree().toPath()
                .resolve(RepositoryLayout.pathFor(contract, ContractFormat.YAML));
    }

    /** Checks out a branch as it is on the server (creating the local branch when needed). */
    void checkout(String branch) throws GitAPIException, IOException {
        git.fetch().setCredentialsProvider(credentials).setTransportConfigCallback(https).call();
        boolean local = git.getRepository().findRef("refs/heads/" + branch) != null;
        git.checkout().setName(branch).setCreateBranch(!local).setStartPoint("origin/" + branch).call();
        git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef("origin/" + branch).call();
    }

    /** Starts a new branch from the server's main. */
    void newBranch(String branch) throws GitAPIException, IOException {
        checkout("main");
        git.checkout().setName(branch).setCreateBranch(true).call();
    }

    Contract read(String contract) throws IOException {
        try {
            return ContractCodec.parse(Files.readAllBytes(file(contract)), ContractFormat.YAML);
        } catch (dev.trustcontracts.core.contract.ContractFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    void write(String contract, Contract c) throws IOException {
        Files.createDirectories(file(contract).getParent());
        Files.write(file(contract), ContractCodec.serialize(c, ContractFormat.YAML));
    }

    /** Signs the contract in the working copy with the admin's credential. */
    void sign(String contract, Credential credential) throws IOException, SigningException {
        write(contract, ContractSigner.sign(read(contract), credential.privateKey(),
                List.of(credential.certificate()), Instant.now()));
    }

    void delete(String contract) throws IOException {
        Files.delete(file(contract));
    }

    /** Commits everything under contracts/ and pushes the current branch; returns the server's answer. */
    RemoteRefUpdate.Status commitAndPush(String message) throws GitAPIException, IOException {
        String path = RepositoryLayout.CONTRACTS_DIR;
        git.add().addFilepattern(path).call();
        git.add().setUpdate(true).addFilepattern(path).call();
        PersonIdent who = new PersonIdent(admin, admin + "@demo.invalid");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
        String branch = git.getRepository().getBranch();
        Iterable<PushResult> results = git.push().setCredentialsProvider(credentials).setTransportConfigCallback(https)
                .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("refs/heads/" + branch + ":refs/heads/" + branch))
                .call();
        for (PushResult r : results) {
            RemoteRefUpdate u = r.getRemoteUpdate("refs/heads/" + branch);
            if (u != null) {
                lastPushMessage = u.getMessage();
                return u.getStatus();
            }
        }
        return RemoteRefUpdate.Status.NOT_ATTEMPTED;
    }

    /** The server's reason for the last refused push, or null. */
    String lastPushMessage() {
        return lastPushMessage;
    }

    @Override
    public void close() {
        git.close();
    }
}
