package dev.trustcontracts.core.tree;

/**
 * Bounds on what a scan reads, so a malicious tree cannot exhaust memory or time.
 *
 * @param maxFileBytes      the largest contract file accepted
 * @param maxContractFiles  the most files accepted under contracts/
 * @param maxChangedFiles   the most contract files one change (a push, a proposal against main) may add or
 *                          modify; a larger change is refused before any file of it is read
 */
public record ScanLimits(long maxFileBytes, int maxContractFiles, int maxChangedFiles) {
    /** 256 KiB per contract (a many-zone contract with RSA chains is well under), 100,000 contracts. */
    public static final ScanLimits DEFAULT = new ScanLimits(256 * 1024, 100_000, 1_000);

    /** With the default {@code maxChangedFiles}. */
    public ScanLimits(long maxFileBytes, int maxContractFiles) {
        this(maxFileBytes, maxContractFiles, 1_000);
    }
}
