package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractVerifier;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --max-contract-window}: the same option, default and check on every command that verifies contracts. */
final class MaxWindowOption {
    @Option(names = "--max-contract-window", paramLabel = "DURATION", defaultValue = "400d",
            converter = DurationConverter.class,
            description = "refuse contracts whose window (not_after - not_before) is longer (default ${DEFAULT-VALUE})")
    Duration maxContractWindow;

    Duration value() {
        if (maxContractWindow.isNegative() || maxContractWindow.isZero()) {
            throw new UserError("--max-contract-window must be positive", ExitCodes.USAGE);
        }
        return maxContractWindow;
    }

    ContractVerifier verifier() {
        return new ContractVerifier(value());
    }
}
