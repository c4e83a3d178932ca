package dev.trustcontracts.reposerver.git;

import dev.trustcontracts.reposerver.Audit;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pre-receive hook of every push: ref names ({@link RefNamePolicy}) and the object graph
 * ({@link ObjectHygiene}) first, outside the push lock, then the contract rules in {@link RefUpdates};
 * every {@code remote:} line goes through a {@link PushReport}, so the answer stays small whatever the push.
 */
final class PushHook implements PreReceiveHook {
    private static final Logger LOG = LoggerFactory.getLogger(PushHook.class);

    private final RefUpdates updates;
    private final PushAuthorizer authorizer;
    private final String user;
    private final String address;
    private final Quarantine quarantine;
    private final ObjectHygiene hygiene;

    /** @param authorizer who may change what (zones, branch owners); null lets every user do everything */
    PushHook(RefUpdates updates, PushAuthorizer authorizer, String user, String address, Quarantine quarantine,
             ObjectHygiene hygiene) {
        this.updates = updates;
        this.authorizer = authorizer;
        this.user = user;
        this.address = address;
        this.quarantine = quarantine;
        this.hygiene = hygiene;
    }

    @Override
    public void onPreReceive(ReceivePack pack, Collection<ReceiveCommand> commands) {
        PushReport report = new PushReport(pack::sendMessage);
        try {
            explainStaleOldIds(pack, report);
            if (commands.isEmpty()) {
                return; // JGit refused every command already: nothing to judge, nothing to publish
            }
            Optional<ObjectHygiene.Refusal> refusal = refNames(commands);
            if (refusal.isEmpty()) {
                refusal = hygiene.check(pack.getRepository(), commands);
            }
            if (refusal.isPresent()) {
                refuseAll(commands, refusal.get(), report);
                return;
            }
            // the pack is received into the quarantine's repository, which also sees the repository's objects
            if (authorizer != null && !authorizer.admit(commands, user, report, pack.getRepository())) {
                return;
            }
            updates.receive(commands, user, report, quarantine);
            if (authorizer != null) {
                authorizer.applied(commands, user);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("push by {} failed", user, e);
            for (ReceiveCommand c : commands) {
                if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                    // the exception may name server paths: it goes to the log, not to the client
                    c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "internal error; see the server log");
                }
            }
        } finally {
            report.finish();
            Audit.push(user, address, pack.getAllCommands()); // those JGit refused itself too
        }
    }

    /**
     * JGit refuses a command whose old id is not the ref's value when the request started ("invalid old id
     * sent"): for a push that lost a race this says what happened and what to do, as {@link RefUpdates} does.
     */
    private static void explainStaleOldIds(ReceivePack pack, PushReport report) {
        for (ReceiveCommand c : pack.getAllCommands()) {
            if (c.getResult() == ReceiveCommand.Result.REJECTED_OTHER_REASON
                    && JGitText.get().invalidOldIdSent.equals(c.getMessage())) {
                String name = RefNamePolicy.shortName(c.getRefName());
                String reason = "non-fast-forward: " + name + " moved while this push was prepared; fetch, rebase "
                        + "and push again";
                c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason);
                report.line("error: " + RefNamePolicy.printable(name) + ": " + reason);
            }
        }
    }

    private static Optional<ObjectHygiene.Refusal> refNames(Collection<ReceiveCommand> commands) {
        for (ReceiveCommand c : commands) {
            if (c.getType() == ReceiveCommand.Type.DELETE && RefKind.of(c.getRefName()).isBranch()) {
                continue; // an existing branch made before the name rules may still be deleted
            }
            Optional<String> why = RefNamePolicy.refusal(c.getRefName());
            if (why.isPresent()) {
                return Optional.of(new ObjectHygiene.Refusal(c.getRefName(), why.get(), RefRule.REF_NAME.code()));
            }
        }
        return Optional.empty();
    }

    /** A push is all or nothing: the ref at fault gets the reason, the others say why they did not move. */
    private void refuseAll(Collection<ReceiveCommand> commands, ObjectHygiene.Refusal r, PushReport report) {
        String where = r.ref() == null ? "push" : RefNamePolicy.printable(RefNamePolicy.shortName(r.ref()));
        report.line("error: " + where + ": [" + r.rule() + "] " + r.reason());
        for (ReceiveCommand c : commands) {
            if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED && (r.ref() == null || r.ref().equals(c.getRefName()))) {
                c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, r.reason());
                updates.refused(c.getRefName(), List.of(r.rule()));
            }
        }
        AllOrNothing.refuseTheRest(commands);
    }
}
