package dev.trustcontracts.agent;

import java.util.Locale;

/** Why a cycle (or a part of it) failed; the label of the failure counters in /metrics. */
public enum FailureKind {
    /** The Git remote could not be reached or refused the fetch. */
    REMOTE,
    /** The local clone was unreadable and was replaced by a fresh clone. */
    LOCAL_CLONE,
    /** The fetched head breaks a history rule: its first-parent chain lacks the last applied commit. */
    ROLLBACK,
    /** The zone PKI could not be reached, refused, or answered something unacceptable. */
    PKI,
    /** An output file could not be written; the old files stay. */
    WRITE,
    /** The state file could not be read or written. */
    STATE,
    /** The --on-change command failed or timed out. */
    HOOK,
    /** A Kubernetes output (Secret, ConfigMap) could not be written: API server down, refused, or not ours. */
    KUBERNETES,
    /** Anything else: an unexpected error, logged with its stack trace. */
    INTERNAL;

    /** The label as metrics and logs show it: remote, local_clone, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
