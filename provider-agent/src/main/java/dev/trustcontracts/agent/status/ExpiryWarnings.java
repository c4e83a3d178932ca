package dev.trustcontracts.agent.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What ends within the --expiry-warning margin, one health line each, soonest first: each contract behind
 * chain.pem (at its effective expiry), each own and peer root in chain.pem, and the root that issued cert.pem
 * (unless it is already listed as an own root). Each line says what to run; a warning is gone once the renewal
 * or rotation is merged and the agent applied it.
 */
final class ExpiryWarnings {
    private record Ending(Instant at, String line) {
    }

    private ExpiryWarnings() {
    }

    /** The warning lines at {@code now}; none when the margin is zero. */
    static List<String> of(AgentStatus status, Instant now, Duration margin) {
        if (margin.isZero() || margin.isNegative()) {
            return List.of();
        }
        Instant limit = now.plus(margin);
        List<Ending> out = new ArrayList<>();
        for (Map.Entry<String, Instant> c : status.contractExpiries().entrySet()) {
            if (c.getValue().isAfter(limit)) {
                continue; // build lines only for what ends within the margin: this runs on every scrape
            }
            String name = c.getKey();
            out.add(new Ending(c.getValue(), "expiry: contract " + name + ends(c.getValue(), now)
                    + "; renew it: trustctl contract renew " + name));
        }
        List<RootExpiry> roots = status.roots();
        for (RootExpiry r : roots) {
            if (r.notAfter().isAfter(limit)) {
                continue;
            }
            String what = (r.own() ? "own root " : "peer root ") + named(r) + ends(r.notAfter(), now);
            out.add(new Ending(r.notAfter(), r.own()
                    ? "expiry: " + what + "; rotate it: trustctl pki rotate start, then a successor contract for "
                            + "each contract (trustctl contract rotate NAME --participant ZONE=NEXT.pem)"
                    : "expiry: " + what + "; its zone must rotate it (trustctl pki rotate start there), then: "
                            + "trustctl contract rotate " + (r.contracts().size() == 1 ? r.contracts().get(0) : "NAME")
                            + " --participant " + (r.zone().isEmpty() ? "ZONE" : r.zone()) + "=NEXT.pem"));
        }
        RootExpiry issuer = status.issuingRoot();
        if (issuer != null && !issuer.notAfter().isAfter(limit) && roots.stream().noneMatch(r -> r.fingerprint().equals(issuer.fingerprint()))) {
            out.add(new Ending(issuer.notAfter(), "expiry: the root that issued cert.pem (sha256 "
                    + issuer.fingerprint() + ")" + ends(issuer.notAfter(), now)
                    + "; rotate the zone's root: trustctl pki rotate start"));
        }
        return out.stream().sorted(Comparator.comparing(Ending::at))
                .map(Ending::line).toList();
    }

    private static String named(RootExpiry r) {
        return (r.zone().isEmpty() ? "" : r.zone() + " ") + "(sha256 " + r.fingerprint() + ")";
    }

    private static String ends(Instant at, Instant now) {
        return now.isAfter(at) ? " ended at " + at : " ends at " + at + " (in " + left(Duration.between(now, at)) + ")";
    }

    /** Whole days, or hours under a day, or minutes under an hour: enough for a human deciding how urgent. */
    static String left(Duration d) {
        if (d.toDays() >= 1) {
            return plural(d.toDays(), "day");
        }
        if (d.toHours() >= 1) {
            return plural(d.toHours(), "hour");
        }
        return plural(d.toMinutes(), "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
