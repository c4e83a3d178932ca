package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import java.util.List;

/**
 * What a tree holds: the contracts valid at the scan's instant, ordered by path, and every problem
 * found, ordered by path. A tree is valid as a whole when {@code problems} is empty.
 */
public record ScanResult(List<VerifiedContract> valid, List<Problem> problems) {
    public ScanResult {
        valid = List.copyOf(valid);
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }
}
