package dev.trustcontracts.reposerver.mirror;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a mirror's pack count bounded. Every fetch that brings objects stores a pack of its own (with the primary's
 * heartbeat, one a minute), and lookups slow down with every pack. Once there are more than {@code threshold}
 * packs, JGit's gc repacks them into one; it keeps packs younger than its expiry (an hour) for readers still
 * using them, so the threshold sits above the packs one hour of fetches makes, or every fetch would gc again.
 */
final class PackCollector {
    static final int DEFAULT_THRESHOLD = 100;
    private static final Logger LOG = LoggerFactory.getLogger(PackCollector.class);

    private final int threshold;

    PackCollector(int threshold) {
        this.threshold = threshold;
    }

    /** Runs gc when the packs pile up; called on the mirror's one writing thread, after a fetch. */
    boolean maybeCollect(Repository repo) {
        if (!(repo.getObjectDatabase() instanceof ObjectDirectory od) || od.getPacks().size() <= threshold) {
            return false;
        }
        try {
            Git.wrap(repo).gc().call();
            return true;
        } catch (GitAPIException | RuntimeException e) {
            // a failed gc loses nothing: the packs stay as they are and the next fetch tries again
            LOG.warn("mirror: repacking {} failed: {}", repo.getDirectory(), e.toString());
            return false;
        }
    }
}
