package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.ClusterOutput;
import dev.trustcontracts.agent.output.OnChangeHook;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.output.SpiffeOutputs;
import dev.trustcontracts.agent.output.SpiffeTrustDomains;
import dev.trustcontracts.agent.pki.CertificateKeeper;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.agent.freshness.HeartbeatJudge;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.core.heartbeat.HeartbeatVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle of the agent: the zone's root and certificate from the PKI, a fetch of main, the rollback
 * check, the removals on the way (replay memory), a local verification of the whole tree, the chain
 * derived for the own root, and the outputs replaced where they changed, then the --on-change command.
 *
 * <p>The cycle is a chain of named {@link CycleStep}s, each taking the record the one before produced:
 * {@link StartStep} → {@link ZoneStep} → {@link FetchStep} → {@link HistoryStep} → {@link DeriveStep} →
 * {@link PlanStep} → {@link ApplyStep}. Each step keeps its own caches.
 *
 * <p>When the fetch fails or the new head is refused, the outputs are still recomputed from the last
 * applied commit, so that contracts expire on the agent's own clock even while the remote is down or
 * lying; the cycle then counts as failed and the staleness grows.
 */
public final class SyncCycle {
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final AgentStatus status;
    private final Clock clock;
    private final AppliedState state;
    private final ZoneStep zone;
    private final CycleStep<Clock, CycleResult> steps;

    /**
     * @param hook    the --on-change command, or null
     * @param cluster the Kubernetes outputs, or null
     */
    public SyncCycle(AgentConfig config, GitMirror mirror, CertificateKeeper keeper, AgentStateStore store,
            OutputWriter writer, OnChangeHook hook, AgentStatus status, char[] password, ClusterOutput cluster) {
        this.status = status;
        this.clock = config.clock();
        this.state = new AppliedState(store);
        ContractVerifier verifier = new ContractVerifier(config.maxContractWindow());
        ScanCache scans = new ScanCache(new TreeScanner(verifier, config.scanLimits(),
                verifications(config, verifier)), config.scanLimits());
        HistoryRules historyRules = new HistoryRules(verifier, config.scanLimits().maxFileBytes(),
                config.historyLimits());
        CloneRepair repair = new CloneRepair(mirror, scans::clear);
        OnChangeRunner hooks = new OnChangeRunner(hook, state, writer, status, clock);
        this.zone = new ZoneStep(keeper, state, status);
        CycleStep<Clock, DeriveStep.Derived> derived = new StartStep(state, status, writer, hooks)
                .then(zone)
                .then(new FetchStep(mirror, state, status))
                .then(new HistoryStep(mirror, historyRules, config.acceptHead(), status, repair))
                .then(new DeriveStep(mirror, scans, state, status, repair));
        if (config.freshness() != null) {
            derived = derived.then(new FreshnessStep(mirror, heartbeatJudge(config), config.freshness(), status));
        }
        this.steps = derived
                .then(new PlanStep(mirror, state, writer, hooks, new OutputLayout(config.out()), password,
                        spiffeFiles(config)))
                .then(new ApplyStep(mirror, state, writer, hooks, status, cluster));
    }

    /**
     * The verifications persisted in the work directory, so that a restart does not verify every contract
     * again; none (everything verified, one log line) when the directory or its key cannot be made.
     */
    private static VerificationStore verifications(AgentConfig config, ContractVerifier verifier) {
        try {
            return VerificationStore.open(config.workDir(), verifier);
        } catch (IOException e) {
            LOG.warn("not using the verification cache in {}: {}", config.workDir(), e.getMessage());
            return null;
        }
    }

    /** The judge of the heartbeats signed by the --heartbeat-cert key (the agent read the file once already). */
    private static HeartbeatJudge heartbeatJudge(AgentConfig config) {
        try {
            return new HeartbeatJudge(new HeartbeatVerifier(HeartbeatKey.certificate(config.freshness().heartbeatCert())),
                    config.historyLimits().commitsFromRoot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SPIFFE bundles of --spiffe-trust-domain-suffix (none without it). */
    private static SpiffeFiles spiffeFiles(AgentConfig config) {
        String suffix = config.spiffeTrustDomainSuffix();
        return new SpiffeFiles(suffix == null ? null : new SpiffeTrustDomains(suffix),
                new SpiffeOutputs(new OutputLayout(config.out())), config.interval());
    }

    /** The zone root's fingerprint, once known. */
    public String ownHash() {
        return zone.ownHash();
    }

    public CycleResult run() {
        long t0 = System.nanoTime();
        long cpu0 = threadCpu();
        status.cycleStarted(clock.instant());
        CycleResult r;
        try {
            r = steps.apply(clock);
        } catch (SyncException e) {
            status.failed(e.kind());
            LOG.warn("sync failed [{}]: {}", e.kind().label(), e.getMessage());
            r = new CycleResult(false, state.appliedCommit(), List.of(), e.kind(), e.getMessage());
        } catch (RuntimeException e) {
            status.failed(FailureKind.INTERNAL);
            LOG.error("sync failed unexpectedly", e);
            r = new CycleResult(false, state.appliedCommit(), List.of(), FailureKind.INTERNAL, e.toString());
        }
        status.cycleFinished(r.ok(), (System.nanoTime() - t0) / 1e9, (threadCpu() - cpu0) / 1e9, r.message());
        return r;
    }

    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
