package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.remote.GitMirror.RemoteFetch;
import dev.trustcontracts.agent.remote.Remote;
import dev.trustcontracts.agent.status.RemoteReport;
import dev.trustcontracts.core.history.HistoryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every reachable remote's head by the history rules on its own, then picks what to apply (docs/SECURITY.md,
 * "Several remotes"):
 *
 * <ul>
 *   <li>a <em>candidate</em> is a head whose first-parent chain holds the applied commit (any head for a fresh
 *       agent; the --accept-head commit even without);</li>
 *   <li>the removals of every candidate are honoured, whichever head is applied: a removed id is never trusted
 *       again, so taking the union only ever trusts less;</li>
 *   <li>when the candidates form one line, the furthest is applied (the others lag);</li>
 *   <li>when they fork (two heads, neither containing the other), the newest commit on the first-parent chain of
 *       all of them is applied, and the remotes are reported as disagreeing: neither side can add trust the
 *       other does not hold, both sides' revocations count, and every remote stays a candidate next cycle (the
 *       applied commit is on every head's chain), so an honest remote's later revocations are still seen.</li>
 * </ul>
 */
final class RemoteChoice {
    /** Logs under the cycle's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /**
     * What to apply.
     *
     * @param accepted     the head to apply, or null when no remote offers one
     * @param removed      the ids removed on the way to every candidate (union)
     * @param refusedHead  with no candidate: the first refused head (the one the rollback message names), else null
     * @param refusal      why {@code refusedHead} was refused
     * @param reports      each remote's verdict, in the order of the --remote flags (last fetch times not filled)
     * @param disagreement "remotes disagree: ..." when candidates fork, else null
     */
    record Choice(ObjectId accepted, Map<String, AgentState.Revoked> removed, ObjectId refusedHead, String refusal,
            List<RemoteReport> reports, String disagreement) {
    }

    /** One remote's head against the history rules. {@code removed} is null when the head is no candidate. */
    private record Judged(RemoteFetch fetch, Map<String, AgentState.Revoked> removed, boolean forced, String refusal) {
        boolean candidate() {
            return removed != null;
        }

        ObjectId head() {
            return fetch.head();
        }
    }

    private final History history;
    private final Ancestry ancestry;

    RemoteChoice(History history, Ancestry ancestry) {
        this.history = history;
        this.ancestry = ancestry;
    }

    /**
     * @param applied    the commit the outputs reflect, or null for a fresh agent
     * @param acceptHead the --accept-head commit, or null
     * @param fetches    each remote's fetch (at least one reached)
     */
    Choice choose(ObjectId applied, String acceptHead, List<RemoteFetch> fetches) throws IOException {
        List<Judged> judged = new ArrayList<>();
        for (RemoteFetch f : fetches) {
            judged.add(f.reachable() ? judge(applied, acceptHead, f) : new Judged(f, null, false, null));
        }
        List<Judged> candidates = judged.stream().filter(Judged::candidate).toList();
        Map<String, AgentState.Revoked> removed = new LinkedHashMap<>();
        candidates.forEach(j -> j.removed().forEach(removed::putIfAbsent));

        ObjectId accepted = null;
        Set<Remote> diverging = new LinkedHashSet<>();
        Optional<Judged> forced = candidates.stream().filter(Judged::forced).findFirst();
        if (forced.isPresent()) {
            accepted = forced.get().head();
        } else if (!candidates.isEmpty()) {
            List<ObjectId> furthest = furthest(candidates, applied);
            if (furthest.size() == 1) {
                accepted = furthest.get(0);
            } else {
                candidates.stream().filter(j -> furthest.contains(j.head())).forEach(j -> diverging.add(j.fetch().remote()));
                accepted = ancestry.commonFirstParent(furthest, applied);
            }
        }
        String disagreement = null;
        if (!diverging.isEmpty()) {
            disagreement = "remotes disagree: " + diverging.stream()
                    .map(r -> r.label() + " has " + fetchOf(judged, r).head().name())
                    .collect(Collectors.joining(", ")) + ", and neither contains the other; "
                    + (accepted == null ? "they share no commit, nothing is applied"
                            : "applying their last common commit " + accepted.name() + " and the removals of every one");
        }
        Judged firstRefused = judged.stream().filter(j -> j.refusal() != null).findFirst().orElse(null);
        ObjectId reference = accepted != null ? accepted : applied;
        List<RemoteReport> reports = new ArrayList<>();
        for (Judged j : judged) {
            reports.add(report(j, reference, applied, accepted != null, diverging, disagreement));
        }
        return new Choice(accepted, removed, accepted == null && firstRefused != null ? firstRefused.head() : null,
                firstRefused == null ? null : firstRefused.refusal(), List.copyOf(reports), disagreement);
    }

    private Judged judge(ObjectId applied, String acceptHead, RemoteFetch f) throws IOException {
        ObjectId head = f.head();
        try {
            if (applied == null) {
                // a fresh agent reads the whole history (bounded), so that it knows every removal
                return new Judged(f, history.removedIds(null, head), false, null);
            }
            Optional<String> refused = history.firstParentProblem(applied, head);
            if (refused.isEmpty()) {
                return new Judged(f, head.equals(applied) ? Map.of() : history.removedIds(applied, head), false, null);
            }
            if (head.name().equals(acceptHead)) {
                LOG.warn("accepting {} although its first-parent chain lacks the applied {} (--accept-head)",
                        head.name(), applied.name());
                return new Judged(f, history.removedIds(null, head), true, null);
            }
            return new Judged(f, null, false, refused.get());
        } catch (HistoryException e) {
            return new Judged(f, null, false, e.getMessage());
        }
    }

    /** The candidates' heads that no other candidate's head contains, in the order of the remotes. */
    private List<ObjectId> furthest(List<Judged> candidates, ObjectId applied) throws IOException {
        List<ObjectId> heads = candidates.stream().map(Judged::head).distinct().toList();
        List<ObjectId> out = new ArrayList<>();
        for (ObjectId h : heads) {
            boolean contained = false;
            for (ObjectId other : heads) {
                if (!other.equals(h) && ancestry.contains(other, h, applied)) {
                    contained = true;
                    break;
                }
            }
            if (!contained) {
                out.add(h);
            }
        }
        return out;
    }

    private RemoteReport report(Judged j, ObjectId reference, ObjectId applied, boolean applying, Set<Remote> diverging,
            String disagreement) throws IOException {
        RemoteFetch f = j.fetch();
        String label = f.remote().label();
        if (!f.reachable()) {
            return new RemoteReport(label, RemoteReport.State.UNREACHABLE, null, f.failure().getMessage(), null);
        }
        String head = f.head().name();
        if (f.head().equals(reference)) {
            return new RemoteReport(label, RemoteReport.State.CURRENT, head, null, null);
        }
        if (diverging.contains(f.remote())) {
            return new RemoteReport(label, RemoteReport.State.DIVERGED, head, disagreement, null);
        }
        if (j.candidate()) {
            // behind the applied head (or beside a forced one): nothing it holds is missing
            return reference != null && ancestry.contains(reference, f.head(), applied)
                    ? new RemoteReport(label, RemoteReport.State.LAGS, head, null, null)
                    : new RemoteReport(label, RemoteReport.State.DIVERGED, head,
                            "its head does not contain the applied " + reference.name(), null);
        }
        // behind the applied commit while another remote serves it: a mirror catching up, not a refusal. With no
        // remote to apply from, the same head is a refused rollback, as with a single remote.
        if (applying && applied != null && ancestry.contains(applied, f.head(), null)) {
            return new RemoteReport(label, RemoteReport.State.LAGS, head, null, null);
        }
        return new RemoteReport(label, RemoteReport.State.REFUSED, head, j.refusal(), null);
    }

    private static RemoteFetch fetchOf(List<Judged> judged, Remote r) {
        return judged.stream().map(Judged::fetch).filter(f -> f.remote().equals(r)).findFirst().orElseThrow();
    }
}
