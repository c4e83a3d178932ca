package dev.trustcontracts.agent.freshness;

import org.eclipse.jgit.lib.ObjectId;

/**
 * One remote's {@code refs/trust/heartbeat} as fetched into the local clone: a one-file commit (as the
 * repo-server publishes it) or the heartbeat blob itself.
 *
 * @param remote the remote it came from, for messages and health
 * @param object the object the fetched ref points at
 */
public record HeartbeatCandidate(String remote, ObjectId object) {
}
