package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.output.SpiffeOutputs;
import dev.trustcontracts.agent.output.SpiffeTrustDomains;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPIFFE part of the plan: the zones of the same bundle chain.pem is written from (the own zone with its own
 * roots, each peer with its roots) mapped to trust domains, and their files planned with their sequences. Zones
 * that cannot be mapped are left out and logged once (one line each); with SPIFFE output off, the files a
 * previous run wrote are removed, so no proxy keeps reading trust the agent no longer keeps current.
 */
final class SpiffeFiles {
    /** Logs under the cycle's name, as the other steps do: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    /**
     * @param outputs   the files to keep current
     * @param removals  the files to delete
     * @param sequences the state's SPIFFE memory after this cycle
     */
    record Result(List<OutputWriter.Output> outputs, List<String> removals,
            Map<String, AgentState.SpiffeSequence> sequences) {
    }

    private final SpiffeTrustDomains domains;
    private final SpiffeOutputs outputs;
    private final long refreshHintSeconds;
    private List<String> lastRefusals = List.of();

    /** @param domains the trust-domain mapping, or null when SPIFFE output is off */
    SpiffeFiles(SpiffeTrustDomains domains, SpiffeOutputs outputs, Duration interval) {
        this.domains = domains;
        this.outputs = outputs;
        // the agent re-reads the contracts this often: a consumer gains nothing by reading the files more often
        this.refreshHintSeconds = Math.max(1, (interval.toMillis() + 999) / 1000);
    }

    /**
     * @param peerCertificate parses a peer root's PEM (the plan's cache)
     * @return the SPIFFE files, or null when no bundle is in use (then nothing is touched)
     */
    Result plan(ZoneMaterial zone, DeriveStep.Derived derived, AgentState current,
            Function<String, X509Certificate> peerCertificate) throws SyncException {
        TrustBundle bundle = derived.bundle();
        if (bundle == null) {
            return null;
        }
        if (domains == null) {
            return new Result(List.of(), outputs.stale(Set.of()), current.spiffe());
        }
        SpiffeTrustDomains.Zone own = derived.own() == null ? null
                : new SpiffeTrustDomains.Zone(derived.own().name(), derived.own().declared(), zone.roots().all());
        SpiffeTrustDomains.Mapped mapped = domains.map(own, peers(bundle, peerCertificate));
        List<String> refusals = new ArrayList<>(mapped.refusals());
        if (own == null) {
            refusals.add("the own zone is named in no trusted contract yet: its SPIFFE bundle is written once one "
                    + "names it");
        }
        if (!refusals.equals(lastRefusals)) {
            refusals.forEach(r -> LOG.warn("spiffe: {}", r));
            lastRefusals = refusals;
        }
        SpiffeOutputs.Planned planned = outputs.plan(mapped.domains(), refreshHintSeconds, current.spiffe());
        return new Result(planned.outputs(), planned.removals(), planned.sequences());
    }

    /** The peer zones of the bundle by participant name, each with its roots in the bundle's (fingerprint) order. */
    private static List<SpiffeTrustDomains.Zone> peers(TrustBundle bundle,
            Function<String, X509Certificate> peerCertificate) {
        Map<String, List<X509Certificate>> roots = new LinkedHashMap<>();
        Map<String, Set<String>> declared = new LinkedHashMap<>();
        for (PeerRoot p : bundle.peers()) {
            roots.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(peerCertificate.apply(p.certificate()));
            Set<String> tds = declared.computeIfAbsent(p.name(), k -> new TreeSet<>());
            if (!p.trustDomain().isEmpty()) {
                tds.add(p.trustDomain());
            }
        }
        List<SpiffeTrustDomains.Zone> out = new ArrayList<>();
        roots.forEach((name, rs) -> out.add(new SpiffeTrustDomains.Zone(name, declared.get(name), rs)));
        return out;
    }
}
