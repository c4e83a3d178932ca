package dev.trustcontracts.pki;

import dev.trustcontracts.core.net.TrustDomain;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a zone CA signs: which names, for how long at most, and whether SPIFFE IDs are allowed. Key
 * strength is not configurable: {@link dev.trustcontracts.core.crypto.KeyType#of} decides it, as it does
 * everywhere in the project.
 *
 * @param allowedNames patterns a DNS name, IP address or CN must match
 * @param maxLifetime  the longest certificate lifetime; longer requests are capped, 0 asks for this
 * @param trustDomain  the SPIFFE trust domain URI SANs must be in; empty when URI SANs are refused
 */
public record IssuancePolicy(List<NamePattern> allowedNames, Duration maxLifetime, String trustDomain) {
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

    public IssuancePolicy {
        allowedNames = List.copyOf(allowedNames);
        trustDomain = trustDomain == null ? "" : trustDomain;
        if (maxLifetime == null || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("the maximum certificate lifetime must be positive");
        }
        if (maxLifetime.getSeconds() < 60) {
            throw new IllegalArgumentException("the maximum certificate lifetime must be at least a minute");
        }
        if (!trustDomain.isEmpty() && !TrustDomain.isValid(trustDomain)) {
            throw new IllegalArgumentException("trust domain '" + trustDomain
                    + "' is not a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_')");
        }
    }

    /** The default policy: the zone name and one label under it, 24 hours, no URI SANs. */
    public static IssuancePolicy forZone(String zone) {
        return forZone(zone, List.of(), DEFAULT_MAX_LIFETIME, "");
    }

    /**
     * The zone name and {@code *.<zone>}, plus the extra patterns (localhost, IP addresses, other
     * names); duplicates are dropped.
     */
    public static IssuancePolicy forZone(String zone, List<String> extraNames, Duration maxLifetime, String trustDomain) {
        Map<String, NamePattern> names = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        all.add(zone);
        all.add("*." + zone);
        all.addAll(extraNames);
        for (String s : all) {
            NamePattern p = NamePattern.parse(s);
            names.putIfAbsent(p.text(), p);
        }
        return new IssuancePolicy(List.copyOf(names.values()), maxLifetime, trustDomain);
    }

    public boolean allowsDns(String normalizedName) {
        return allowedNames.stream().anyMatch(p -> p.matchesDns(normalizedName));
    }

    public boolean allowsIp(InetAddress address) {
        return allowedNames.stream().anyMatch(p -> p.matchesIp(address));
    }

    public boolean allowsSpiffe(SpiffeId id) {
        return !trustDomain.isEmpty() && trustDomain.equals(id.trustDomain());
    }

    /** The lifetime granted for a request: zero asks for the maximum, more than the maximum is capped. */
    public Duration lifetimeFor(Duration requested) {
        if (requested.isNegative()) {
            throw new IllegalArgumentException("a negative lifetime was requested");
        }
        return requested.isZero() || requested.compareTo(maxLifetime) > 0 ? maxLifetime : requested;
    }

    /** The allowed names for messages: "alice, *.alice, localhost". */
    public String describeNames() {
        return allowedNames.stream().map(NamePattern::text).collect(Collectors.joining(", "));
    }
}
