package dev.trustcontracts.agent;

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
 */
public record AgentState(String remote, String appliedCommit, Instant appliedAt, Instant lastSuccess,
        SortedMap<String, Revoked> revoked, StoreDigest keystore, StoreDigest truststore,
        List<String> pendingHook) {

    public static final int VERSION = 1;

    public AgentState {
        revoked = Collections.unmodifiableSortedMap(new TreeMap<>(revoked));
        pendingHook = List.copyOf(pendingHook);
    }

    public static AgentState empty() {
        return new AgentState(null, null, null, null, new TreeMap<>(), null, null, List.of());
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
        return new AgentState(remote, commit, at, lastSuccess, revoked, keystore, truststore, pendingHook);
    }

    public AgentState withRevoked(Map<String, Revoked> more) {
        TreeMap<String, Revoked> all = new TreeMap<>(revoked);
        more.forEach(all::putIfAbsent);
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, all, keystore, truststore, pendingHook);
    }

    public AgentState withLastSuccess(Instant t) {
        return new AgentState(remote, appliedCommit, appliedAt, t, revoked, keystore, truststore, pendingHook);
    }

    public AgentState withStores(StoreDigest ks, StoreDigest ts) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, ks, ts, pendingHook);
    }

    public AgentState withPendingHook(List<String> files) {
        return new AgentState(remote, appliedCommit, appliedAt, lastSuccess, revoked, keystore, truststore, files);
    }
}
