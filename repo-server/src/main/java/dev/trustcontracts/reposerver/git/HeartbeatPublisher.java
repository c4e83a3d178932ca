package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatFile;
import dev.trustcontracts.core.heartbeat.HeartbeatSigner;
import dev.trustcontracts.proto.v1.HeartbeatStatement;
import dev.trustcontracts.proto.v1.SignedHeartbeat;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the signed heartbeat "main was X at T" at {@value #REF}: a parentless commit whose tree holds one
 * file, {@value #FILE} (a {@code SignedHeartbeat}). A commit rather than a bare blob, because every Git client
 * and hosting service fetches, stores and pushes commits under any ref name, and some refuse other objects.
 * The ref is force-moved without a reflog, so each old heartbeat becomes unreachable; every
 * {@value #PRUNE_EVERY} publications the unreachable loose objects older than {@link #PRUNE_AFTER} are pruned
 * (JGit's prune walks every ref, so nothing another ref reaches is touched), which bounds what old heartbeats
 * leave on disk. Nobody can push the ref ({@link RefNamePolicy}).
 */
public final class HeartbeatPublisher {
    public static final String REF = Heartbeat.REF;
    public static final String FILE = Heartbeat.FILE;
    static final int PRUNE_EVERY = 60;
    /** Long enough for a fetch that saw an older heartbeat advertised to finish reading it. */
    static final Duration PRUNE_AFTER = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final ContractRepository repository;
    private final HeartbeatSigner signer;
    private final Clock clock;
    private long sequence = -1;
    private int sincePrune;
    private Heartbeat last;

    public HeartbeatPublisher(ContractRepository repository, HeartbeatSigner signer, Clock clock) {
        this.repository = repository;
        this.signer = signer;
        this.clock = clock;
    }

    /** The last heartbeat this server published, or null before the first. */
    public synchronized Heartbeat last() {
        return last;
    }

    /** Signs "main is its current commit now" and moves the ref to it. */
    public synchronized Heartbeat publish() throws IOException {
        Repository repo = repository.git();
        if (sequence < 0) {
            sequence = previousSequence(repo); // a restart continues the sequence it left
        }
        Heartbeat h = new Heartbeat(repository.main().name(), clock.instant(), sequence + 1);
        byte[] file = signer.sign(h);
        ObjectId commit;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, file);
            TreeFormatter tree = new TreeFormatter();
            tree.append(FILE, FileMode.REGULAR_FILE, blob);
            PersonIdent who = new PersonIdent(new PersonIdent("trustctl repo-server", "repo-server@localhost"),
                    h.issuedAt());
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("heartbeat " + h.sequence() + ": main was " + h.mainCommit() + " at " + h.issuedAt() + "\n");
            commit = ins.insert(cb);
            ins.flush();
        }
        RefUpdate ru = repo.updateRef(REF);
        ru.setNewObjectId(commit);
        ru.setForceUpdate(true);
        ru.disableRefLog(); // a reflog would keep every old heartbeat reachable
        RefUpdate.Result r = ru.update();
        switch (r) {
            case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> { }
            default -> throw new IOException("cannot move " + REF + ": " + r);
        }
        sequence = h.sequence();
        last = h;
        if (++sincePrune >= PRUNE_EVERY) {
            sincePrune = 0;
            prune(repo);
        }
        return h;
    }

    /** Prunes unreachable loose objects older than {@link #PRUNE_AFTER}: the old heartbeats. */
    void prune(Repository repo) {
        if (!(repo instanceof FileRepository file)) {
            return;
        }
        try {
            GC gc = new GC(file);
            gc.setExpire(clock.instant().minus(PRUNE_AFTER));
            gc.prune(Set.of());
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.warn("pruning old heartbeats failed: {}", e.toString());
        }
    }

    /** The sequence of the heartbeat at the ref (read, not verified: it is this server's own), or 0. */
    private static long previousSequence(Repository repo) {
        try {
            Ref ref = repo.exactRef(REF);
            if (ref == null || ref.getObjectId() == null) {
                return 0;
            }
            try (ObjectReader reader = repo.newObjectReader()) {
                byte[] bytes = HeartbeatFile.read(reader, ref.getObjectId());
                return HeartbeatStatement.parseFrom(SignedHeartbeat.parseFrom(bytes).getStatement()).getSequence();
            }
        } catch (MissingObjectException e) {
            return 0;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the previous heartbeat at {} ({}); the sequence starts again at 1", REF, e.toString());
            return 0;
        }
    }
}
