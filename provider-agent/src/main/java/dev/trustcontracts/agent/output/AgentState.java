package dev.trustcontracts.agent.output;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the agent remembers across restarts (the state file in the output directory).
 *
 * @param remote        the remote the applied commit came from (informational)
 * @param appliedCommit the last commit whose tree the outputs reflect; later heads must have it on their first-parent chain
 * @param appliedAt     when that commit was first applied
 * @param lastSuccess   the last fully successful sync (rounded: written at most every few minutes when
 *                      nothing else changes; /metrics has the exact time)
 * @param revoked       every contract id seen removed from the history of main, never trusted again
 * @param keystore      digests that tell whether keystore.p12 is current without decrypting it
 * @param truststore    the same for truststore.p12
 * @param pendingHook   output files changed whose --on-change run has not finished (run after a crash)
 * @param pki           the zone's own roots as last accepted from the PKI, and the roots seen retired
 * @param spiffe        per SPIFFE trust domain ever written: its last spiffe_sequence and the digest of its content,
 *                      so that the sequence only grows, across restarts and after a domain was removed and came back
 */
public record AgentState(String remote, String appliedCommit, Instant appliedAt, Instant lastSuccess,
        SortedMap<String, Revoked> revoked, StoreDigest keystore, StoreDigest truststore,
        List<String> pendingHook, Pki pki, SortedMap<String, SpiffeSequence> spiffe) {

    public static final int VERSION = 1;

    public AgentState {
        revoked = Collections.unmodifiableSortedMap(new TreeMap<>(revoked));
        pendingHook = List.copyOf(pendingHook);
        pki = pki == null ? Pki.NONE : pki;
        spiffe = Collections.unmodifiableSortedMap(new TreeMap<>(spiffe == null ? Map.of() : spiffe));
    }

    /**
     * @param sequence the spiffe_sequence last written for the trust domain
     * @param digest   sha-256 of the bundle's content without its sequence; null once its file was removed (the
     *                 sequence is kept: a domain that comes back continues above it)
     */
    public record SpiffeSequence(long sequence, String digest) {
    }

    /**
     * What the agent remembers of its PKI across restarts, so that a rotation is followed and never undone.
     *
     * @param roots   the zone's own roots (PEM) as last accepted from GetCA: the established one first, then
     *                the next one during a rotation; empty before the first answer (then ca.pem is read, as
     *                agents before rotation kept it)
     * @param pins    the operator's pins (fingerprints, sorted) when the roots were accepted: while they are
     *                the same, the remembered roots stay accepted pins (the pin followed a rotation)
     * @param retired fingerprints of roots seen retired (a rotation finished): never accepted again
     */
    public record Pki(List<String> roots, List<String> pins, List<String> retired) {
        public static final Pki NONE = new Pki(List.of(), List.of(), List.of());

        public Pki {
            roots = List.copyOf(roots);
            pins = List.copyOf(pins);
            retired = List.copyOf(retired);
        }
    }

    public static AgentState empty() {
        return new AgentState(null, null, null, null, new TreeMap<>(), null, null, List.of(), Pki.NONE,
                null);
    }

    /**
     * A contract id seen removed.
     *
     * @param name     the contract's name when it was removed
     * @param notAfter its not_after (informational)
     * @param commit   the commit that removed it
     */
    public record Revoked(String name, Instant notAfter, String commit) {
    }

    /**
     * @param input sha-256 of what went into the PKCS#12 file (certificates, key, password)
     * @param file  sha-256 of the file as written
     */
    public record StoreDigest(String input, String file) {
    }

    public AgentState withApplied(String remote, String commit, Instant at) {
        return new AgentState(remote, commit, at, lastSuccess, revoked, keystore, truststore, pendingHook, pki, spiffe);
    }

    public AgentState withRevoked(Map<String, Revoked> more) {
        TreeMap<String, Revoked> all = new TreeMap<>(revoked);
        more.forEach(all::putIfAbsent);
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, all, keystore, truststore, pendingHook,
                pki, spiffe);
    }

    public AgentState withLastSuccess(Instant t) {
        return new AgentState(remote, appliedCommit, appliedAt, t, revoked, keystore, truststore, pendingHook, pki, spiffe);
    }

    public AgentState withStores(StoreDigest ks, StoreDigest ts) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, ks, ts, pendingHook, pki, spiffe);
    }

    public AgentState withPki(Pki p) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, keystore, truststore, pendingHook,
                p, spiffe);
    }

    public AgentState withSpiffe(Map<String, SpiffeSequence> sequences) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, keystore, truststore, pendingHook,
                pki, new TreeMap<>(sequences));
    }

    public AgentState withPendingHook(List<String> files) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, keystore, truststore, files, pki, spiffe);
    }
}
