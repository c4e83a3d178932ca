package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.reposerver.git.MirrorUpdate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a mirror last knew of its primary, for {@code /healthz} and the metrics: whether the last fetch
 * reached it, whether its main was refused (and why), when the mirror last followed it successfully, and
 * whether the watch stream is open. Only this status is the mirror's own: everything else it serves is
 * the primary's verified state, the same on every mirror.
 */
public final class MirrorStatus {
    /** The mirror's relation to its primary after the last fetch. */
    public enum State {
        /** Not fetched yet. */
        STARTING("starting"),
        /** The last fetch reached the primary and its main was taken (or unchanged). */
        FOLLOWING("following"),
        /** The last fetch failed: the mirror serves its last good main. */
        UNREACHABLE("primary-unreachable"),
        /** The primary served a main (or objects) the rules refuse: the mirror serves its last good main. */
        REFUSING("refusing-primary");

        private final String text;

        State(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final String primary;
    private final boolean watching;
    private State state = State.STARTING;
    private String problem;
    private String main;
    private String primaryMain;
    private Instant lastAttempt;
    private Instant lastSuccess;
    private volatile boolean watchConnected;

    MirrorStatus(String primary, boolean watching) {
        this.primary = primary;
        this.watching = watching;
    }

    public String primary() {
        return primary;
    }

    synchronized void fetched(MirrorUpdate.Outcome outcome, Instant at) {
        lastAttempt = at;
        main = outcome.main() == null ? null : outcome.main().name();
        primaryMain = outcome.primaryMain() == null ? null : outcome.primaryMain().name();
        if (outcome.result() == MirrorUpdate.Result.REFUSED) {
            state = State.REFUSING;
            problem = outcome.problem();
        } else {
            state = State.FOLLOWING;
            problem = null;
            lastSuccess = at;
        }
    }

    synchronized void unreachable(String why, Instant at) {
        lastAttempt = at;
        state = State.UNREACHABLE;
        problem = why;
    }

    void watchConnected(boolean v) {
        watchConnected = v;
    }

    public synchronized State state() {
        return state;
    }

    /** The last refusal or fetch failure, one line; null while following. */
    public synchronized String problem() {
        return problem;
    }

    /** When the mirror last reached its primary and took (or already had) its main; null: never since start. */
    public synchronized Instant lastSuccess() {
        return lastSuccess;
    }

    public boolean watchConnected() {
        return watchConnected;
    }

    /** {@code /healthz}: ok while following; degraded when the primary is unreachable or refused. */
    public synchronized Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("primary", primary);
        m.put("state", state.text());
        m.put("main", main);
        m.put("primaryMain", primaryMain);
        m.put("lastFetchAt", lastAttempt == null ? null : lastAttempt.toString());
        m.put("lastSuccessAt", lastSuccess == null ? null : lastSuccess.toString());
        m.put("watch", !watching ? "off" : watchConnected ? "connected" : "disconnected");
        m.put("problem", problem);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", state == State.FOLLOWING ? "ok" : "degraded");
        out.put("mirror", m);
        return out;
    }
}
