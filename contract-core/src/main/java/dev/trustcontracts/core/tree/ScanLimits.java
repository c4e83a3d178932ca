package dev.trustcontracts.core.tree;

/**
 * Bounds on what a scan reads, so a malicious tree cannot exhaust memory or time.
 *
 * @param maxFileBytes      the largest contract file accepted
 * @param maxContractFiles  the most files accepted under contracts/
 */
public record ScanLimits(long maxFileBytes, int maxContractFiles) {
    /** 256 KiB per contract (a many-zone contract with RSA chains is well under), 100,000 contracts. */
    public static final ScanLimits DEFAULT = new ScanLimits(256 * 1024, 100_000);
}
