package dev.trustcontracts.reposerver.git;

import java.util.Collection;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * A push is all or nothing: once one ref of it is refused, every ref that has no result yet is refused too,
 * saying why it did not move. Every stage of a push (ref names and object graph, authority, contracts) ends
 * its refusals here.
 */
final class AllOrNothing {
    static final String NOT_APPLIED = "not applied: another ref in this push was rejected (pushes are all or nothing)";

    private AllOrNothing() {
    }

    /** Refuses, as not applied, every command not decided yet. */
    static void refuseTheRest(Collection<ReceiveCommand> commands) {
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, NOT_APPLIED);
            }
        }
    }
}
