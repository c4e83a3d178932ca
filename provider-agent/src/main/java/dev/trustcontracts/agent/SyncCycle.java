package dev.trustcontracts.agent;

import dev.trustcontracts.agent.OutputWriter.Output;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.history.HistoryException;
import dev.trustcontracts.core.history.HistoryLimits;
import dev.trustcontracts.core.history.HistoryRules;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.ScanLimits;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.core.tree.TrustBundle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle of the agent: the zone's root and certificate from the PKI, a fetch of main, the rollback
 * check, the removals on the way (replay memory), a local verification of the whole tree, the chain
 * derived for the own root, and the outputs replaced where they changed, then the --on-change command.
 *
 * <p>When the fetch fails or the new head is refused, the outputs are still recomputed from the last
 * applied commit, so that contracts expire on the agent's own clock even while the remote is down or
 * lying; the cycle then counts as failed and the staleness grows.
 */
public final class SyncCycle {
    public static final String CHAIN_FILE = "chain.pem";
    public static final String KEYSTORE_FILE = "keystore.p12";
    public static final String TRUSTSTORE_FILE = "truststore.p12";
    /** The state file's last_success is refreshed at least this often when nothing else changes. */
    static final Duration STATE_REFRESH = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final AgentConfig config;
    private final GitMirror mirror;
    private final CertificateKeeper keeper;
    private final AgentStateStore store;
    private final OutputWriter writer;
    private final OnChangeHook hook;
    private final AgentStatus status;
    private final Clock clock;
    private final char[] password;
    private final ScanCache scans;
    /** The history rules, kept across cycles for their cache of file facts by blob id. */
    private final HistoryRules historyRules;

    private AgentState state;
    /** The last derivation, reused while its inputs are the same objects. */
    private ScanResult lastScan;
    private String lastOwnHash;
    private int lastRevokedCount = -1;
    private TrustBundle lastBundle;
    /** Parsed peer roots by PEM; dropped when it grows past the peers in use. */
    private final Map<String, PeerCertificate> peerCertificates = new java.util.HashMap<>();
    private volatile String ownHash;
    private String lastProblemsLogged = "";
    /** Whether this cycle already ran the --on-change command (at most once per cycle), and why it failed. */
    private boolean hookTried;
    private String hookFailure;
    private final Set<String> replaysWarned = new HashSet<>();

    /** @param hook the --on-change command, or null */
    public SyncCycle(AgentConfig config, GitMirror mirror, CertificateKeeper keeper, AgentStateStore store,
            OutputWriter writer, OnChangeHook hook, AgentStatus status, char[] password) {
        this.config = config;
        this.mirror = mirror;
        this.keeper = keeper;
        this.store = store;
        this.writer = writer;
        this.hook = hook;
        this.status = status;
        this.clock = config.clock();
        this.password = password.clone();
        ContractVerifier verifier = new ContractVerifier(config.maxContractWindow());
        this.scans = new ScanCache(new TreeScanner(verifier, ScanLimits.DEFAULT), ScanLimits.DEFAULT);
        this.historyRules = new HistoryRules(verifier, ScanLimits.DEFAULT.maxFileBytes(), HistoryLimits.DEFAULT);
    }

    /** The zone root's fingerprint, once known. */
    public String ownHash() {
        return ownHash;
    }

    public CycleResult run() {
        long t0 = System.nanoTime();
        long cpu0 = threadCpu();
        status.cycleStarted(clock.instant());
        CycleResult r;
        try {
            r = runCycle();
        } catch (SyncException e) {
            status.failed(e.kind());
            LOG.warn("sync failed [{}]: {}", e.kind().label(), e.getMessage());
            r = new CycleResult(false, state == null ? null : state.appliedCommit(), List.of(), e.kind(), e.getMessage());
        } catch (RuntimeException e) {
            status.failed(FailureKind.INTERNAL);
            LOG.error("sync failed unexpectedly", e);
            r = new CycleResult(false, state == null ? null : state.appliedCommit(), List.of(),
                    FailureKind.INTERNAL, e.toString());
        }
        status.cycleFinished(r.ok(), (System.nanoTime() - t0) / 1e9, (threadCpu() - cpu0) / 1e9, r.message());
        return r;
    }

    private CycleResult runCycle() throws SyncException {
        hookTried = false;
        hookFailure = null;
        if (state == null) {
            state = store.load();
            status.restoreLastSuccess(state.lastSuccess());
            if (state.appliedCommit() != null) {
                status.applied(state.appliedCommit());
            }
            writer.removeStaleTemps();
            runPendingHook();
        }
        Instant now = clock.instant();

        ZoneMaterial zone = keeper.ensure();
        ownHash = zone.ownHash();
        if (zone.pkiProblem() != null) {
            status.failed(FailureKind.PKI);
        }
        status.certificate(zone.leaf() == null ? null : zone.leaf().notAfter(), zone.pkiProblem());
        String renewalFailure = keeper.renewalFailure();
        status.renewalFailing(renewalFailure);

        // ---- Git: fetch, rollback check, removals ----
        ObjectId applied = state.appliedCommit() == null ? null : ObjectId.fromString(state.appliedCommit());
        ObjectId use = null;
        ObjectId accepted = null;
        Map<String, AgentState.Revoked> removed = Map.of();
        SyncException syncFailure = null;
        try {
            GitMirror.Fetched f = mirror.fetch();
            if (f.recloned()) {
                status.failed(FailureKind.LOCAL_CLONE);
            }
            History history = new History(mirror.repository(), historyRules);
            ObjectId head = f.head();
            Optional<String> refused = applied == null ? Optional.empty()
                    : history.firstParentProblem(applied, head);
            try {
                if (applied == null) {
                    // a fresh agent reads the whole history (bounded), so that it knows every removal
                    removed = history.removedIds(null, head);
                    accepted = head;
                } else if (refused.isEmpty()) {
                    removed = head.equals(applied) ? Map.of() : history.removedIds(applied, head);
                    accepted = head;
                } else if (head.name().equals(config.acceptHead())) {
                    LOG.warn("accepting {} although its first-parent chain lacks the applied {} (--accept-head)",
                            head.name(), applied.name());
                    removed = history.removedIds(null, head);
                    accepted = head;
                }
            } catch (HistoryException e) {
                refused = Optional.of(e.getMessage());
            }
            if (accepted == null && refused.isPresent()) {
                String what = "remote main " + head.name() + " refused: " + refused.get() + "; keeping the last "
                        + "good outputs. If the history was rewritten on purpose, restart the agent with "
                        + "--accept-head " + head.name();
                status.rollbackRefused(what);
                syncFailure = new SyncException(FailureKind.ROLLBACK, what);
                LOG.warn("rollback refused: {}", what);
            }
            use = accepted != null ? accepted : (mirror.has(applied) ? applied : null);
            if (accepted != null) {
                status.rollbackRefused(null);
            }
        } catch (IOException e) {
            syncFailure = localCloneFailure(e);
        } catch (SyncException e) {
            syncFailure = e;
            use = lastApplied(applied);
        }
        if (syncFailure != null) {
            status.failed(syncFailure.kind());
            if (syncFailure.kind() != FailureKind.ROLLBACK) {
                LOG.warn("sync failed [{}]: {}", syncFailure.kind().label(), syncFailure.getMessage());
            }
        }

        // ---- verify and derive ----
        Map<String, AgentState.Revoked> known = state.revoked();
        Map<String, AgentState.Revoked> fresh = removed;
        TrustBundle bundle = null;
        if (use != null) {
            ScanResult scan;
            try {
                scan = scans.scan(mirror.repository(), use, now);
            } catch (IOException e) {
                throw localCloneFailure(e);
            }
            if (scan != lastScan || !zone.ownHash().equals(lastOwnHash) || !fresh.isEmpty()
                    || known.size() != lastRevokedCount) {
                logProblems(use, scan);
                List<VerifiedContract> trusted = new ArrayList<>();
                int replays = 0;
                for (VerifiedContract c : scan.valid()) {
                    AgentState.Revoked gone = known.containsKey(c.id()) ? known.get(c.id()) : fresh.get(c.id());
                    if (gone != null) {
                        replays++;
                        if (replaysWarned.add(c.id() + " " + c.path())) {
                            LOG.warn("replay ignored: {} carries id {}, which was removed in commit {}; new trust "
                                    + "needs a new contract", c.path(), c.id(), gone.commit());
                        }
                    } else {
                        trusted.add(c);
                    }
                }
                lastBundle = TrustBundle.derive(zone.ownHash(), trusted);
                lastScan = scan;
                lastOwnHash = zone.ownHash();
                lastRevokedCount = known.size() + (int) fresh.keySet().stream().filter(id -> !known.containsKey(id)).count();
                status.bundle(lastBundle.peers().size(), countFiles(scan.problems()), replays, lastRevokedCount);
                status.contractExpiries(expiries(zone.ownHash(), trusted));
            }
            bundle = lastBundle;
        }

        // ---- outputs ----
        AgentState next = state;
        boolean stateChanged = false;
        if (accepted != null) {
            if (!accepted.name().equals(state.appliedCommit())) {
                next = next.withApplied(mirror.remote(), accepted.name(), now);
                stateChanged = true;
            }
            if (!removed.isEmpty()) {
                next = next.withRevoked(removed);
                stateChanged = true;
            }
        }
        Planned plan = outputs(zone, bundle);
        AgentState.StoreDigest ks = plan.keystore() != null ? plan.keystore() : next.keystore();
        AgentState.StoreDigest ts = plan.truststore() != null ? plan.truststore() : next.truststore();
        if (!java.util.Objects.equals(ks, next.keystore()) || !java.util.Objects.equals(ts, next.truststore())) {
            next = next.withStores(ks, ts);
            stateChanged = true;
        }
        List<String> differing = writer.differing(plan.outputs());
        if (hook != null && !differing.isEmpty()) {
            // recorded with the files, so that a crash before the command ran still runs it at the next start;
            // added to what an earlier failed run still owes
            java.util.LinkedHashSet<String> owed = new java.util.LinkedHashSet<>(state.pendingHook());
            owed.addAll(differing);
            next = next.withPendingHook(List.copyOf(owed));
            stateChanged = true;
        }
        boolean synced = syncFailure == null;
        boolean refresh = synced && (state.lastSuccess() == null
                || Duration.between(state.lastSuccess(), now).compareTo(STATE_REFRESH) >= 0);
        boolean writeState = stateChanged || !differing.isEmpty() || refresh;
        if (writeState && synced) {
            next = next.withLastSuccess(now);
        }
        List<Output> all = new ArrayList<>(plan.outputs());
        if (writeState) {
            all.add(new Output(AgentStateStore.FILE_NAME, AgentStateStore.serialize(next), AtomicFiles.PUBLIC));
        }
        List<String> changed = new ArrayList<>(writer.write(all));
        changed.remove(AgentStateStore.FILE_NAME);
        if (writeState) {
            state = next;
        }
        if (accepted != null) {
            mirror.pin(accepted);
            status.applied(accepted.name());
        }
        if (bundle != null && zone.leaf() != null) {
            status.ready();
        }
        if (!changed.isEmpty()) {
            status.changed(now, changed.size());
            LOG.info("outputs changed: {} (commit {}, {} peers)", changed, use == null ? "none" : use.name(),
                    bundle == null ? "?" : bundle.peers().size());
        }
        if (hook != null && !state.pendingHook().isEmpty() && !hookTried) {
            runHook(state.pendingHook());
        }
        if (synced) {
            status.synced(now, accepted.name());
        }
        String commit = use == null ? null : use.name();
        if (syncFailure != null) {
            return new CycleResult(false, commit, changed, syncFailure.kind(), syncFailure.getMessage());
        }
        // the outputs are current, but what depends on them is not: the cycle fails, is retried with backoff,
        // and --once exits non-zero
        if (hookFailure != null) {
            return new CycleResult(true, commit, changed, FailureKind.HOOK, hookFailure
                    + "; it is run again with backoff until it succeeds");
        }
        if (renewalFailure != null) {
            return new CycleResult(true, commit, changed, FailureKind.PKI, "certificate renewal failed: " + renewalFailure);
        }
        return new CycleResult(true, commit, changed, null, null);
    }

    /** The effective expiry of each trusted contract this zone takes part in, by name. */
    private static Map<String, Instant> expiries(String ownHash, List<VerifiedContract> trusted) {
        Map<String, Instant> out = new java.util.HashMap<>();
        for (VerifiedContract c : trusted) {
            if (c.contract().getBody().getParticipantsList().stream().anyMatch(p -> p.getHash().equals(ownHash))) {
                out.put(c.name(), c.effectiveExpiry());
            }
        }
        return out;
    }

    /** A peer root parsed from a verified contract, and its canonical PEM re-encoded from the DER. */
    private record PeerCertificate(X509Certificate certificate, String pem) {
        static PeerCertificate of(String text) {
            X509Certificate c = Pem.certificate(text);
            return new PeerCertificate(c, Pem.encode(c));
        }
    }

    /** The outputs of a cycle and the digests of the PKCS#12 files among them (null when absent). */
    private record Planned(List<Output> outputs, AgentState.StoreDigest keystore, AgentState.StoreDigest truststore) {
    }

    private Planned outputs(ZoneMaterial zone, TrustBundle bundle) throws SyncException {
        List<Output> outs = new ArrayList<>();
        AgentState.StoreDigest ks = null;
        AgentState.StoreDigest ts = null;
        ZoneMaterial.Leaf leaf = zone.leaf();
        if (leaf != null) {
            outs.add(new Output(CertificateKeeper.KEY_FILE, ascii(leaf.keyPem()), AtomicFiles.PRIVATE));
            outs.add(new Output(CertificateKeeper.CERT_FILE, ascii(leaf.certPem()), AtomicFiles.PUBLIC));
            List<X509Certificate> chain = leaf.chain();
            String input = KeyStores.inputDigest("keystore", password, chain, leaf.key());
            byte[] bytes = reuse(KEYSTORE_FILE, state.keystore(), input);
            if (bytes == null) {
                bytes = KeyStores.keystore(leaf.key(), chain, password);
            }
            ks = new AgentState.StoreDigest(input, KeyStores.fileDigest(bytes));
            outs.add(new Output(KEYSTORE_FILE, bytes, AtomicFiles.PRIVATE));
        }
        outs.add(new Output(CertificateKeeper.CA_FILE, ascii(zone.rootPem()), AtomicFiles.PUBLIC));
        if (bundle != null) {
            List<X509Certificate> roots = new ArrayList<>();
            roots.add(zone.root());
            if (peerCertificates.size() > 2 * bundle.peers().size() + 16) {
                peerCertificates.clear();
            }
            StringBuilder chainPem = new StringBuilder(zone.rootPem());
            for (PeerRoot p : bundle.peers()) {
                PeerCertificate peer = peerCertificates.computeIfAbsent(p.certificate(), PeerCertificate::of);
                roots.add(peer.certificate());
                chainPem.append(peer.pem());
            }
            // written from the parsed DER, never the contract's text: only what was verified reaches a proxy
            outs.add(new Output(CHAIN_FILE, ascii(chainPem.toString()), AtomicFiles.PUBLIC));
            String input = KeyStores.inputDigest("truststore", password, roots, null);
            byte[] bytes = reuse(TRUSTSTORE_FILE, state.truststore(), input);
            if (bytes == null) {
                bytes = KeyStores.truststore(roots, password);
            }
            ts = new AgentState.StoreDigest(input, KeyStores.fileDigest(bytes));
            outs.add(new Output(TRUSTSTORE_FILE, bytes, AtomicFiles.PUBLIC));
        }
        return new Planned(outs, ks, ts);
    }

    /** The PKCS#12 file on disk when it was written from these inputs and is unchanged since; else null. */
    private byte[] reuse(String file, AgentState.StoreDigest digest, String input) throws SyncException {
        if (digest == null || !input.equals(digest.input())) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(config.out().resolve(file));
            return KeyStores.fileDigest(bytes).equals(digest.file()) ? bytes : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void runPendingHook() {
        if (hook != null && !state.pendingHook().isEmpty()) {
            LOG.info("on-change: running the command an earlier run did not finish, for {}", state.pendingHook());
            runHook(state.pendingHook());
        }
    }

    /** Runs the command once; after a failure the files stay pending, so that the next cycle runs it again. */
    private void runHook(List<String> changed) {
        hookTried = true;
        try {
            hook.run(changed, state.appliedCommit());
        } catch (SyncException e) {
            status.failed(FailureKind.HOOK);
            status.hookRan();
            status.hookFailed(e.getMessage(), clock.instant());
            hookFailure = e.getMessage();
            LOG.warn("on-change: {}; it is run again with backoff until it succeeds", e.getMessage());
            return;
        }
        status.hookRan();
        status.hookSucceeded();
        AgentState done = state.withPendingHook(List.of());
        try {
            writer.write(List.of(new Output(AgentStateStore.FILE_NAME, AgentStateStore.serialize(done),
                    AtomicFiles.PUBLIC)));
            state = done;
        } catch (SyncException e) {
            status.failed(FailureKind.STATE);
            LOG.warn("cannot record that the on-change command ran: {}", e.getMessage());
        }
    }

    private ObjectId lastApplied(ObjectId applied) {
        if (applied == null) {
            return null;
        }
        try {
            return mirror.has(applied) ? applied : null;
        } catch (SyncException e) {
            return null;
        }
    }

    private SyncException localCloneFailure(IOException e) {
        LOG.warn("the local clone is unreadable ({}); it is replaced by a fresh clone in the next cycle", e.toString());
        scans.clear();
        try {
            mirror.replaceWithFreshClone();
        } catch (SyncException e2) {
            return e2;
        }
        return new SyncException(FailureKind.LOCAL_CLONE, "the local clone was unreadable (" + e.getMessage()
                + "); replaced by a fresh clone", e);
    }

    private void logProblems(ObjectId commit, ScanResult scan) {
        List<Problem> problems = scan.problems();
        String key = commit.name() + " " + problems.size() + " " + problems.hashCode();
        if (key.equals(lastProblemsLogged)) {
            return;
        }
        lastProblemsLogged = key;
        if (!problems.isEmpty()) {
            String lines = problems.stream().limit(20).map(Problem::toString).collect(Collectors.joining("\n  "));
            LOG.warn("commit {}: {} problem(s); the files concerned are not trusted:\n  {}{}", commit.name(),
                    problems.size(), lines, problems.size() > 20 ? "\n  ..." : "");
        }
    }

    private static int countFiles(List<Problem> problems) {
        return (int) problems.stream().map(Problem::file).distinct().count();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
