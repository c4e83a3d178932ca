package dev.trustcontracts.reposerver.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * The bare repository the server hosts, {@code DATA/contracts.git}. On first start it is created with one
 * commit on {@code main}: an admin README and an empty {@code contracts/} (held by {@code .gitkeep}).
 */
public final class ContractRepository implements AutoCloseable {
    public static final String MAIN = Constants.R_HEADS + "main";
    public static final String DIRECTORY = "contracts.git";

    private final Repository repository;

    private ContractRepository(Repository repository) {
        this.repository = repository;
    }

    public static ContractRepository openOrCreate(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(DIRECTORY);
        boolean fresh = !Files.exists(dir.resolve("HEAD"));
        Files.createDirectories(dir);
        Repository repo = new FileRepository(dir.toFile());
        if (fresh) {
            repo.create(true);
            StoredConfig cfg = repo.getConfig();
            cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, true);
            cfg.save();
            initialCommit(repo);
        } else if (repo.exactRef(MAIN) == null) {
            repo.close();
            throw new IOException(dir + " has no branch main: not a contract repository made by repo-server");
        }
        return new ContractRepository(repo);
    }

    /**
     * A read-only mirror's repository: created empty, without the initial commit, because its main only ever
     * comes from the primary (and is checked against the mirror's own before it moves). Holds nothing that a
     * fetch cannot bring back.
     */
    public static ContractRepository openMirror(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(DIRECTORY);
        boolean fresh = !Files.exists(dir.resolve("HEAD"));
        Files.createDirectories(dir);
        Repository repo = new FileRepository(dir.toFile());
        if (fresh) {
            repo.create(true);
            RefUpdate head = repo.updateRef(Constants.HEAD);
            head.link(MAIN);
        }
        return new ContractRepository(repo);
    }

    /** The current commit of main, or empty while a fresh mirror has none yet. */
    public Optional<ObjectId> mainIfAny() throws IOException {
        Ref ref = repository.exactRef(MAIN);
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.getObjectId());
    }

    public Repository git() {
        return repository;
    }

    /** The current commit of main. */
    public ObjectId main() throws IOException {
        Ref ref = repository.exactRef(MAIN);
        if (ref == null || ref.getObjectId() == null) {
            throw new IOException("the repository has no branch main");
        }
        return ref.getObjectId();
    }

    /** The tip of a branch (short name, for example {@code proposals/alice-bob}). */
    public Optional<ObjectId> branch(String shortName) throws IOException {
        if (!Repository.isValidRefName(Constants.R_HEADS + shortName)) {
            return Optional.empty();
        }
        Ref ref = repository.exactRef(Constants.R_HEADS + shortName);
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.getObjectId());
    }

    @Override
    public void close() {
        repository.close();
    }

    private static void initialCommit(Repository repo) throws IOException {
        ObjectId commit;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId readme = ins.insert(Constants.OBJ_BLOB, README.getBytes(StandardCharsets.UTF_8));
            ObjectId keep = ins.insert(Constants.OBJ_BLOB, new byte[0]);
            TreeFormatter contracts = new TreeFormatter();
            contracts.append(".gitkeep", FileMode.REGULAR_FILE, keep);
            ObjectId contractsTree = ins.insert(contracts);
            TreeFormatter root = new TreeFormatter();
            root.append("README.md", FileMode.REGULAR_FILE, readme);
            root.append("contracts", FileMode.TREE, contractsTree);
            ObjectId tree = ins.insert(root);
            PersonIdent who = new PersonIdent("trustctl repo-server", "repo-server@localhost");
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("Initial commit: empty contract repository\n");
            commit = ins.insert(cb);
            ins.flush();
        }
        RefUpdate ru = repo.updateRef(MAIN);
        ru.setNewObjectId(commit);
        ru.setExpectedOldObjectId(ObjectId.zeroId());
        ru.setRefLogMessage("repo-server: initial commit", false);
        RefUpdate.Result r = ru.update();
        if (r != RefUpdate.Result.NEW) {
            throw new IOException("cannot create main: " + r);
        }
        RefUpdate head = repo.updateRef(Constants.HEAD);
        head.link(MAIN);
    }

    static final String README = """
            # Trust contracts

            Every file under `contracts/` on `main` is a contract that is in force: zones whose roots it lists
            trust each other while it is valid. Deleting the file (a commit on `main`) revokes it.

            - Propose a contract on a branch (for example `proposals/alice-bob`): the server accepts a proposal
              whose files parse and whose certificates are sound, and tells you which signatures are missing.
            - Every participant signs (`trustctl contract sign`) and pushes the signed file to the branch.
            - Merge into `main` by pushing a fast-forward or with `POST /api/proposals/<branch>/merge`: the
              server refuses any `main` whose tree is not fully valid, and never accepts a force push.

            Layout: `contracts/<name>.yaml`, `.yml` or `.pb`, where `<name>` equals the contract's name.
            Nothing else is allowed under `contracts/` except this kind of note (`README.md`) and `.gitkeep`.
            """;
}
