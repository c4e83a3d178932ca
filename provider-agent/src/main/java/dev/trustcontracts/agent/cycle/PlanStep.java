package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.output.OutputWriter.Output;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.KeyStores;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.remote.Remote;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Plans what the cycle writes: every output file of the {@link OutputLayout} from the zone material and the
 * bundle, and the next state file (applied commit, removals, PKCS#12 digests, the --on-change run owed for the
 * files that will change, the PKI roots learned or retired). The zone's own roots (both during a rotation) come
 * first in ca.pem, chain.pem and truststore.p12, then the peers' roots. Nothing is written here.
 */
final class PlanStep implements CycleStep<DeriveStep.Derived, PlanStep.Plan> {
    /** The state file's last_success is refreshed at least this often when nothing else changes. */
    static final Duration STATE_REFRESH = Duration.ofMinutes(5);

    /**
     * @param outputs    the files to keep current, the state file last when it is to be written
     * @param next       the state after this cycle
     * @param writeState whether the state file is among the outputs
     * @param removals   files to delete with the write (SPIFFE bundles of trust domains no longer trusted)
     */
    record Plan(DeriveStep.Derived derived, List<Output> outputs, AgentState next, boolean writeState,
            List<String> removals) {
        HistoryStep.Judged judged() {
            return derived.judged();
        }
    }

    /** The output files and the digests of the PKCS#12 files among them (null when absent). */
    private record OutputSet(List<Output> outputs, AgentState.StoreDigest keystore, AgentState.StoreDigest truststore) {
    }

    /** A peer root parsed from a verified contract, and its canonical PEM re-encoded from the DER. */
    private record PeerCertificate(X509Certificate certificate, String pem) {
        static PeerCertificate of(String text) {
            X509Certificate c = Pem.certificate(text);
            return new PeerCertificate(c, Pem.encode(c));
        }
    }

    private final GitMirror mirror;
    private final AppliedState state;
    private final OutputWriter writer;
    private final OnChangeRunner hooks;
    private final OutputLayout layout;
    private final char[] password;
    private final SpiffeFiles spiffe;
    /** Parsed peer roots by PEM; dropped when it grows past the peers in use. */
    private final Map<String, PeerCertificate> peerCertificates = new HashMap<>();

    /** @param spiffe the SPIFFE bundles to plan (off: those a previous run wrote are removed) */
    PlanStep(GitMirror mirror, AppliedState state, OutputWriter writer, OnChangeRunner hooks, OutputLayout layout,
            char[] password, SpiffeFiles spiffe) {
        this.spiffe = spiffe;
        this.mirror = mirror;
        this.state = state;
        this.writer = writer;
        this.hooks = hooks;
        this.layout = layout;
        this.password = password.clone();
    }

    @Override
    public Plan apply(DeriveStep.Derived derived) throws SyncException {
        HistoryStep.Judged judged = derived.judged();
        Instant now = judged.zoned().start().now();
        ObjectId accepted = judged.accepted();
        AgentState current = state.current();
        AgentState next = current;
        boolean stateChanged = false;
        if (accepted != null) {
            if (!accepted.name().equals(current.appliedCommit())) {
                // the first remote, without a user name or password: the state file is no place for a secret
                next = next.withApplied(Remote.label(mirror.remote()), accepted.name(), now);
                stateChanged = true;
            }
            if (!judged.removed().isEmpty()) {
                next = next.withRevoked(judged.removed());
                stateChanged = true;
            }
        }
        AgentState.Pki pki = judged.zoned().zone().pki();
        if (pki != null && !pki.equals(next.pki())) {
            // the roots learned or retired are remembered with the outputs that name them
            next = next.withPki(pki);
            stateChanged = true;
        }
        OutputSet files = outputs(judged.zoned().zone(), derived.bundle(), current);
        AgentState.StoreDigest ks = files.keystore() != null ? files.keystore() : next.keystore();
        AgentState.StoreDigest ts = files.truststore() != null ? files.truststore() : next.truststore();
        if (!Objects.equals(ks, next.keystore()) || !Objects.equals(ts, next.truststore())) {
            next = next.withStores(ks, ts);
            stateChanged = true;
        }
        List<Output> outputs = new ArrayList<>(files.outputs());
        SpiffeFiles.Result spiffeFiles = spiffe.plan(judged.zoned().zone(), derived, current, this::peerCertificate);
        List<String> removals = List.of();
        if (spiffeFiles != null) {
            outputs.addAll(spiffeFiles.outputs());
            removals = spiffeFiles.removals();
            if (!spiffeFiles.sequences().equals(next.spiffe())) {
                next = next.withSpiffe(spiffeFiles.sequences());
                stateChanged = true;
            }
        }
        List<String> differing = new ArrayList<>(writer.differing(outputs));
        differing.addAll(removals);
        if (hooks.configured() && !differing.isEmpty()) {
            // recorded with the files, so that a crash before the command ran still runs it at the next start;
            // added to what an earlier failed run still owes
            LinkedHashSet<String> owed = new LinkedHashSet<>(current.pendingHook());
            owed.addAll(differing);
            next = next.withPendingHook(List.copyOf(owed));
            stateChanged = true;
        }
        boolean synced = judged.failure() == null;
        boolean refresh = synced && (current.lastSuccess() == null
                || Duration.between(current.lastSuccess(), now).compareTo(STATE_REFRESH) >= 0);
        boolean writeState = stateChanged || !differing.isEmpty() || refresh;
        if (writeState && synced) {
            next = next.withLastSuccess(now);
        }
        List<Output> all = new ArrayList<>(outputs);
        if (writeState) {
            all.add(new Output(OutputLayout.STATE, AgentStateStore.serialize(next), AtomicFiles.PUBLIC));
        }
        return new Plan(derived, all, next, writeState, removals);
    }

    /** The output files for the zone material and the bundle (null when no commit is in use). */
    private OutputSet outputs(ZoneMaterial zone, TrustBundle bundle, AgentState current) throws SyncException {
        List<Output> outs = new ArrayList<>();
        AgentState.StoreDigest ks = null;
        AgentState.StoreDigest ts = null;
        ZoneMaterial.Leaf leaf = zone.leaf();
        if (leaf != null) {
            outs.add(new Output(OutputLayout.KEY, ascii(leaf.keyPem()), AtomicFiles.PRIVATE));
            outs.add(new Output(OutputLayout.CERT, ascii(leaf.certPem()), AtomicFiles.PUBLIC));
            List<X509Certificate> chain = leaf.chain();
            String input = KeyStores.inputDigest("keystore", password, chain, leaf.key());
            byte[] bytes = reuse(OutputLayout.KEYSTORE, current.keystore(), input);
            if (bytes == null) {
                bytes = KeyStores.keystore(leaf.key(), chain, password);
            }
            ks = new AgentState.StoreDigest(input, KeyStores.fileDigest(bytes));
            outs.add(new Output(OutputLayout.KEYSTORE, bytes, AtomicFiles.PRIVATE));
        }
        outs.add(new Output(OutputLayout.CA, ascii(zone.rootPem()), AtomicFiles.PUBLIC));
        if (bundle != null) {
            List<X509Certificate> roots = new ArrayList<>();
            roots.addAll(zone.roots().all());
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
            outs.add(new Output(OutputLayout.CHAIN, ascii(chainPem.toString()), AtomicFiles.PUBLIC));
            String input = KeyStores.inputDigest("truststore", password, roots, null);
            byte[] bytes = reuse(OutputLayout.TRUSTSTORE, current.truststore(), input);
            if (bytes == null) {
                bytes = KeyStores.truststore(roots, password);
            }
            ts = new AgentState.StoreDigest(input, KeyStores.fileDigest(bytes));
            outs.add(new Output(OutputLayout.TRUSTSTORE, bytes, AtomicFiles.PUBLIC));
        }
        return new OutputSet(outs, ks, ts);
    }

    /** A peer root parsed once (the cache chain.pem is written from). */
    private X509Certificate peerCertificate(String pem) {
        return peerCertificates.computeIfAbsent(pem, PeerCertificate::of).certificate();
    }

    /** The PKCS#12 file on disk when it was written from these inputs and is unchanged since; else null. */
    private byte[] reuse(String file, AgentState.StoreDigest digest, String input) throws SyncException {
        if (digest == null || !input.equals(digest.input())) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(layout.dir().resolve(file));
            return KeyStores.fileDigest(bytes).equals(digest.file()) ? bytes : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
