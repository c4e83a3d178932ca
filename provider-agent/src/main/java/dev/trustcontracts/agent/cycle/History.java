package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.core.history.HistoryException;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.history.Removal;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * What the history of main says beyond its head, by contract-core's {@link HistoryRules} (the same rules the
 * repo-server enforces, applied here to whatever any Git server sends): whether a new head keeps the applied
 * commit on its first-parent chain (rollback, replay through a merge), and which contract ids the commits on
 * the way removed (replay memory). Removals are read from every commit between the applied commit and the
 * new head, and count only for files that were sound contracts where they were removed.
 */
public final class History {
    private final Repository repository;
    private final HistoryRules rules;

    public History(Repository repository, HistoryRules rules) {
        this.repository = repository;
        this.rules = rules;
    }

    /** Why {@code head} may not follow {@code applied}, or empty when it may. A commit the clone lacks never may. */
    public Optional<String> firstParentProblem(ObjectId applied, ObjectId head) throws IOException {
        return rules.firstParentProblem(repository, applied, head);
    }

    /**
     * The ids removed by the commits after {@code from} (exclusive; null for the whole history) up to
     * {@code to}, with what is known of each.
     */
    public Map<String, AgentState.Revoked> removedIds(ObjectId from, ObjectId to) throws IOException, HistoryException {
        Map<String, Removal> removals = from == null ? rules.removalsFromRoot(repository, to)
                : rules.removalsSince(repository, from, to);
        Map<String, AgentState.Revoked> out = new LinkedHashMap<>();
        removals.forEach((id, r) -> out.put(id, new AgentState.Revoked(r.name(), r.notAfter(), r.commit())));
        return out;
    }
}
