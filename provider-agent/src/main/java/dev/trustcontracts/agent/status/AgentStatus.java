package dev.trustcontracts.agent.status;

import dev.trustcontracts.agent.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent is doing, for /healthz, /readyz, /metrics and tests: written by the cycle thread, read
 * by anyone.
 */
public final class AgentStatus {
    private final Instant started;
    private final Map<FailureKind, LongAdder> failures = new EnumMap<>(FailureKind.class);
    private final AtomicLong cyclesStarted = new AtomicLong();
    private final AtomicLong cyclesOk = new AtomicLong();
    private final AtomicLong cyclesFailed = new AtomicLong();
    private final AtomicLong outputChanges = new AtomicLong();
    private final AtomicLong hookRuns = new AtomicLong();
    private final AtomicLong doorbells = new AtomicLong();
    private final AtomicLong kubernetesWrites = new AtomicLong();

    private volatile Instant lastAttempt;
    private volatile Instant lastSuccess;
    private volatile Instant lastChange;
    private volatile String appliedCommit;
    private volatile int peers = -1;
    private volatile int revokedIds;
    private volatile int invalidFiles;
    /** The effective expiry of each contract behind chain.pem, by contract name. */
    private volatile Map<String, Instant> contractExpiries = Map.of();
    private volatile int ignoredReplays;
    private volatile String rollbackRefused;
    private volatile Instant certNotAfter;
    private volatile String pkiProblem;
    private volatile boolean ready;
    private volatile String lastError;
    private volatile double lastCycleSeconds;
    private volatile double lastCycleCpuSeconds;
    private volatile boolean notifyConnected;
    private volatile String hookProblem;
    private volatile Instant hookFailingSince;
    private volatile String renewalProblem;
    /** Why the last write of the Kubernetes outputs failed, or null (none configured, or written). */
    private volatile String kubernetesProblem;
    /** The roots in chain.pem (own, then peers) with their notAfter. */
    private volatile List<RootExpiry> roots = List.of();
    /** The root that issued cert.pem (the top of its chain), or null while there is no certificate. */
    private volatile RootExpiry issuingRoot;
    /** The heartbeat as last judged, or null (no --heartbeat-cert, or no cycle judged it yet). */
    private volatile HeartbeatStatus heartbeat;
    /** Each --remote as the last cycle saw it, in the order given. */
    private volatile List<RemoteReport> remotes = List.of();
    /** "remotes disagree: ..." while two remotes' heads fork, else null. */
    private volatile String remotesDisagree;

    public AgentStatus(Instant started) {
        this.started = started;
        for (FailureKind k : FailureKind.values()) {
            failures.put(k, new LongAdder());
        }
    }

    // ---- written by the cycle ----

    public void cycleStarted(Instant now) {
        lastAttempt = now;
        cyclesStarted.incrementAndGet();
    }

    public void cycleFinished(boolean ok, double wallSeconds, double cpuSeconds, String error) {
        lastCycleSeconds = wallSeconds;
        lastCycleCpuSeconds = cpuSeconds;
        if (ok) {
            cyclesOk.incrementAndGet();
        } else {
            cyclesFailed.incrementAndGet();
        }
        lastError = error;
    }

    public void failed(FailureKind kind) {
        failures.get(kind).increment();
    }

    public void synced(Instant at, String commit) {
        lastSuccess = at;
        appliedCommit = commit;
    }

    public void applied(String commit) {
        appliedCommit = commit;
    }

    public void bundle(int peers, int invalidFiles, int ignoredReplays, int revokedIds) {
        this.peers = peers;
        this.invalidFiles = invalidFiles;
        this.ignoredReplays = ignoredReplays;
        this.revokedIds = revokedIds;
    }

    /** The contracts behind chain.pem with their effective expiry (the earliest end of window, roots, signers). */
    public void contractExpiries(Map<String, Instant> byName) {
        contractExpiries = Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** By contract name, sorted. */
    public Map<String, Instant> contractExpiries() {
        return contractExpiries;
    }

    /** The roots chain.pem holds, with their ends (derived with the bundle). */
    public void roots(List<RootExpiry> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Own roots first, then the peers' in fingerprint order, as chain.pem holds them. */
    public List<RootExpiry> roots() {
        return roots;
    }

    /** The root at the top of cert.pem's chain (fingerprint and notAfter), or null while there is no certificate. */
    public void issuingRoot(String fingerprint, Instant notAfter) {
        issuingRoot = fingerprint == null ? null : new RootExpiry("", fingerprint, true, notAfter, List.of());
    }

    public RootExpiry issuingRoot() {
        return issuingRoot;
    }

    public void changed(Instant at, int files) {
        lastChange = at;
        outputChanges.addAndGet(files);
    }

    public void hookRan() {
        hookRuns.incrementAndGet();
    }

    /** The --on-change command failed; it is run again with backoff until it succeeds. */
    public void hookFailed(String message, Instant at) {
        if (hookFailingSince == null) {
            hookFailingSince = at;
        }
        hookProblem = message;
    }

    public void hookSucceeded() {
        hookProblem = null;
        hookFailingSince = null;
    }

    /** The certificate is due for renewal and the PKI did not renew it (null: not due, or renewed). */
    public void renewalFailing(String problem) {
        renewalProblem = problem;
    }

    /** The Kubernetes outputs were compared and {@code written} objects were created or updated. */
    public void kubernetesWritten(int written) {
        kubernetesWrites.addAndGet(written);
        kubernetesProblem = null;
    }

    /** The Kubernetes outputs could not be written; the next cycle tries again. */
    public void kubernetesFailed(String problem) {
        kubernetesProblem = problem;
    }

    /** The heartbeat as this cycle judged it (only with --heartbeat-cert). */
    public void heartbeat(HeartbeatStatus judged) {
        heartbeat = judged;
    }

    /** The heartbeat as last judged, or null. */
    public HeartbeatStatus heartbeat() {
        return heartbeat;
    }

    /**
     * What the cycle saw of each remote.
     *
     * @param disagreement one line naming the remotes whose heads fork, or null
     */
    public void remotes(List<RemoteReport> reports, String disagreement) {
        remotes = List.copyOf(reports);
        remotesDisagree = disagreement;
    }

    /** Each --remote as the last cycle saw it (empty before the first fetch). */
    public List<RemoteReport> remotes() {
        return remotes;
    }

    /** Which remotes disagree (forked heads), or null. */
    public String remotesDisagree() {
        return remotesDisagree;
    }

    public void rollbackRefused(String description) {
        rollbackRefused = description;
    }

    public void certificate(Instant notAfter, String pkiProblem) {
        this.certNotAfter = notAfter;
        this.pkiProblem = pkiProblem;
    }

    public void ready() {
        ready = true;
    }

    public void doorbell() {
        doorbells.incrementAndGet();
    }

    public void notifyConnected(boolean connected) {
        notifyConnected = connected;
    }

    public void restoreLastSuccess(Instant t) {
        if (lastSuccess == null) {
            lastSuccess = t;
        }
    }

    /**
     * With several remotes: each one down or refused while another serves, and a disagreement. (With one, these
     * show as staleness and a refused rollback, as they always did.)
     */
    private List<String> remoteProblems() {
        List<RemoteReport> rs = remotes;
        List<String> out = new ArrayList<>();
        if (rs.size() < 2) {
            return out;
        }
        String disagree = remotesDisagree;
        if (disagree != null) {
            out.add(disagree);
        }
        for (RemoteReport r : rs) {
            if (r.state() == RemoteReport.State.UNREACHABLE || r.state() == RemoteReport.State.REFUSED) {
                out.add("remote " + r.remote() + " " + r.state().label() + ": " + r.problem());
            }
        }
        return out;
    }

    // ---- read ----

    public Instant started() {
        return started;
    }

    public long cyclesStarted() {
        return cyclesStarted.get();
    }

    public long cyclesOk() {
        return cyclesOk.get();
    }

    public long cyclesFailed() {
        return cyclesFailed.get();
    }

    public long failures(FailureKind kind) {
        return failures.get(kind).sum();
    }

    public long outputChanges() {
        return outputChanges.get();
    }

    public long hookRuns() {
        return hookRuns.get();
    }

    public long doorbells() {
        return doorbells.get();
    }

    public Instant lastAttempt() {
        return lastAttempt;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public Instant lastChange() {
        return lastChange;
    }

    public String appliedCommit() {
        return appliedCommit;
    }

    /** Peer roots in chain.pem: none while they are withheld for a stale heartbeat. */
    public int peers() {
        HeartbeatStatus hb = heartbeat;
        return hb != null && hb.peersWithheld() && peers > 0 ? 0 : peers;
    }

    public int revokedIds() {
        return revokedIds;
    }

    public int invalidFiles() {
        return invalidFiles;
    }

    public int ignoredReplays() {
        return ignoredReplays;
    }

    public String rollbackRefused() {
        return rollbackRefused;
    }

    public Instant certNotAfter() {
        return certNotAfter;
    }

    public String pkiProblem() {
        return pkiProblem;
    }

    public boolean isReady() {
        return ready;
    }

    public String lastError() {
        return lastError;
    }

    public double lastCycleSeconds() {
        return lastCycleSeconds;
    }

    public double lastCycleCpuSeconds() {
        return lastCycleCpuSeconds;
    }

    public boolean isNotifyConnected() {
        return notifyConnected;
    }

    /** Why the --on-change command is failing, or null when its last run succeeded. */
    public String hookProblem() {
        return hookProblem;
    }

    /** Kubernetes objects created or updated. */
    public long kubernetesWrites() {
        return kubernetesWrites.get();
    }

    /** Why the Kubernetes outputs could not be written, or null. */
    public String kubernetesProblem() {
        return kubernetesProblem;
    }

    /** Why the certificate due for renewal was not renewed, or null. */
    public String renewalProblem() {
        return renewalProblem;
    }

    /** Seconds since the last successful sync (or since start when there was none). */
    public double stalenessSeconds(Instant now) {
        Instant since = lastSuccess != null ? lastSuccess : started;
        return Math.max(0, Duration.between(since, now).toMillis() / 1000.0);
    }

    /**
     * What an operator should look at now; empty when all is well. {@code expiryWarning} adds a line for each
     * contract, root in chain.pem, or root behind cert.pem that ends within it (zero: none).
     */
    public List<String> problems(Instant now, Duration staleAfter, Duration expiryWarning) {
        List<String> out = new ArrayList<>();
        double stale = stalenessSeconds(now);
        if (stale > staleAfter.toMillis() / 1000.0) {
            out.add(lastSuccess == null
                    ? String.format("stale: no successful sync in %.0f s since start", stale)
                    : String.format("stale: last successful sync %.0f s ago", stale));
        }
        String rb = rollbackRefused;
        if (rb != null) {
            out.add("rollback refused: " + rb);
        }
        out.addAll(remoteProblems());
        Instant na = certNotAfter;
        if (na == null) {
            out.add("certificate: none yet");
        } else if (now.isAfter(na)) {
            out.add("certificate: expired at " + na);
        }
        String renewal = renewalProblem;
        String pki = pkiProblem;
        if (renewal != null) {
            out.add("certificate: renewal failed: " + renewal + "; the current one expires at " + na);
        } else if (pki != null) {
            out.add("pki: " + pki);
        }
        String hook = hookProblem;
        if (hook != null) {
            out.add("on-change: " + hook + " (failing since " + hookFailingSince + "; retried with backoff until it "
                    + "succeeds)");
        }
        String kubernetes = kubernetesProblem;
        if (kubernetes != null) {
            out.add("kubernetes: " + kubernetes);
        }
        HeartbeatStatus hb = heartbeat;
        String fresh = hb == null ? null : hb.problem(now);
        if (fresh != null) {
            out.add(fresh);
        }
        out.addAll(ExpiryWarnings.of(this, now, expiryWarning));
        String err = lastError;
        if (err != null && !out.isEmpty()) {
            out.add("last error: " + err);
        }
        return out;
    }
}
