package dev.trustcontracts.core.history;

import java.time.Instant;

/**
 * A contract id removed by a commit: a file that was a sound contract (see {@link HistoryRules}) in a parent
 * and whose id the commit no longer carries.
 *
 * @param id       the removed contract id
 * @param name     the contract's name
 * @param path     the file it was read from, in the parent
 * @param commit   the commit that removed it
 * @param notAfter the contract's not_after (informational)
 */
public record Removal(String id, String name, String path, String commit, Instant notAfter) {
}
