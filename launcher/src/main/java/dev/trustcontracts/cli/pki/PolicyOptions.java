package dev.trustcontracts.cli.pki;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.pki.IssuancePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The issuance policy flags of {@code trustctl pki serve}. */
final class PolicyOptions {
    @Option(names = "--allow-name", paramLabel = "PATTERN",
            description = {"also allow this name (repeatable): a DNS name (localhost), a one-label wildcard "
                    + "(*.svc.example.org) or an IP address (127.0.0.1, ::1).",
                "The zone name and *.ZONE are always allowed."})
    List<String> allowNames = new ArrayList<>();

    @Option(names = "--max-lifetime", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "longest certificate lifetime; longer requests are capped (default ${DEFAULT-VALUE})")
    Duration maxLifetime;

    @Option(names = "--trust-domain", paramLabel = "DOMAIN",
            description = "sign URI SANs spiffe://DOMAIN/...; without it URI SANs are refused")
    String trustDomain = "";

    IssuancePolicy policyFor(String zone) {
        return IssuancePolicy.forZone(zone, allowNames, maxLifetime, trustDomain);
    }
}
