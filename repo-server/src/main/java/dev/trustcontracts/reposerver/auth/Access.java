package dev.trustcontracts.reposerver.auth;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an authenticated user may act for: the zones (participant names) it belongs to, or everything when it is
 * a repository admin. Read from the {@link UserStore} at each decision, so a change takes effect at once.
 */
public record Access(String user, Set<String> zones, boolean admin) {
    public Access {
        zones = Set.copyOf(zones);
    }

    static Access none(String user) {
        return new Access(user, Set.of(), false);
    }

    /** Whether the user may act on something that lists these participants. */
    public boolean actsForAny(Collection<String> participants) {
        return admin || participants.stream().anyMatch(zones::contains);
    }

    /** For messages: "admin" or the sorted zones, or "no zone". */
    public String describe() {
        if (admin) {
            return "admin";
        }
        return zones.isEmpty() ? "no zone" : "zones " + String.join(", ", new TreeSet<>(zones));
    }
}
