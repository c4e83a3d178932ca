package dev.trustcontracts.agent.output;

import dev.trustcontracts.core.net.TrustDomain;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which SPIFFE trust domain each zone of the bundle answers for. A zone's trust domain is the one its contracts
 * declare for it ({@code trust_domain}, signed by every participant: the name its PKI puts into SVIDs), else
 * {@code <zone>.<suffix>} from {@code --spiffe-trust-domain-suffix}. A name that is not a valid trust domain
 * (SPIFFE-ID §2.1: lowercase letters, digits, '.', '-', '_') is refused, never rewritten: lowercasing "Bob" could
 * merge two zones. A trust domain claimed by two zones is refused for the peers that claim it (the own zone keeps
 * it): a peer's root must never validate SVIDs of another zone's trust domain.
 */
public final class SpiffeTrustDomains {
    /** The bundle map's file name in the spiffe directory; no trust domain may take it. */
    public static final String RESERVED = "bundles";

    /**
     * One zone of the bundle.
     *
     * @param name     its participant name in the contracts
     * @param declared the trust domains its contracts declare for it (empty when none)
     * @param roots    its roots, in the order they are written
     */
    public record Zone(String name, Set<String> declared, List<X509Certificate> roots) {
        public Zone {
            declared = Set.copyOf(declared);
            roots = List.copyOf(roots);
        }
    }

    /**
     * @param domains  every trust domain written, with its roots (the own zone's first in iteration order)
     * @param refusals one line for each zone left out, naming it and why
     */
    public record Mapped(SortedMap<String, List<X509Certificate>> domains, List<String> refusals) {
    }

    private final String suffix;

    /** @param suffix the suffix of trust domains made from zone names; checked by {@link #checkSuffix} */
    public SpiffeTrustDomains(String suffix) {
        this.suffix = checkSuffix(suffix);
    }

    /** The suffix, or an IllegalArgumentException in one line. */
    public static String checkSuffix(String suffix) {
        if (suffix == null || !TrustDomain.isValid(suffix) || suffix.startsWith(".") || suffix.endsWith(".")) {
            throw new IllegalArgumentException("--spiffe-trust-domain-suffix '" + suffix + "' is not a SPIFFE trust "
                    + "domain suffix (lowercase letters, digits, '.', '-', '_'; no leading or trailing dot)");
        }
        return suffix;
    }


    /**
     * @param own   the own zone, or null when its name is not known yet (no contract names it)
     * @param peers the peer zones, each once
     */
    public Mapped map(Zone own, List<Zone> peers) {
        List<String> refusals = new ArrayList<>();
        TreeMap<String, List<X509Certificate>> domains = new TreeMap<>();
        String ownDomain = null;
        if (own != null) {
            ownDomain = domain(own, refusals);
            if (ownDomain != null) {
                domains.put(ownDomain, own.roots());
            }
        }
        Map<String, List<Zone>> claims = new LinkedHashMap<>();
        for (Zone peer : peers) {
            String td = domain(peer, refusals);
            if (td != null) {
                claims.computeIfAbsent(td, k -> new ArrayList<>()).add(peer);
            }
        }
        for (Map.Entry<String, List<Zone>> c : claims.entrySet()) {
            String td = c.getKey();
            List<Zone> zones = c.getValue();
            if (td.equals(ownDomain)) {
                zones.forEach(z -> refusals.add("zone " + z.name() + ": trust domain " + td
                        + " is the own zone's; its roots are left out of the SPIFFE bundles"));
            } else if (zones.size() > 1) {
                TreeSet<String> names = new TreeSet<>();
                zones.forEach(z -> names.add(z.name()));
                refusals.add("zones " + String.join(", ", names) + " all map to trust domain " + td
                        + "; none of them is written to the SPIFFE bundles");
            } else {
                domains.put(td, zones.get(0).roots());
            }
        }
        return new Mapped(domains, List.copyOf(refusals));
    }

    /** The zone's trust domain, or null with a refusal. */
    private String domain(Zone z, List<String> refusals) {
        if (z.declared().size() > 1) {
            refusals.add("zone " + z.name() + ": its contracts declare different trust domains "
                    + new TreeSet<>(z.declared()) + "; left out of the SPIFFE bundles");
            return null;
        }
        String td;
        String source;
        if (z.declared().size() == 1) {
            td = z.declared().iterator().next();
            source = "declared trust domain '" + td + "'";
        } else {
            td = z.name() + "." + suffix;
            source = "zone name '" + z.name() + "' (as '" + td + "')";
        }
        if (!TrustDomain.isValid(td) || td.equals(RESERVED)) {
            refusals.add("zone " + z.name() + ": " + source + " is not a valid SPIFFE trust domain (lowercase "
                    + "letters, digits, '.', '-', '_'" + (td.equals(RESERVED) ? "; '" + RESERVED + "' is reserved" : "")
                    + "); left out of the SPIFFE bundles");
            return null;
        }
        return td;
    }
}
