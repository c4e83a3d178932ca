package dev.trustcontracts.pki;

import dev.trustcontracts.core.net.DnsLabel;
import java.util.Locale;

/** The shape of DNS names the PKI accepts: lowercase LDH labels, optionally a leading "*" label. */
final class DnsNames {
    static final int MAX_LENGTH = 253;

    private DnsNames() {
    }

    /** Lowercases; DNS names compare without case. */
    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** A host name: one or more labels, no wildcard, no trailing dot. */
    static boolean isHostName(String name) {
        return isName(name, false);
    }

    /** A host name or one whose first label is "*". */
    static boolean isNameOrWildcard(String name) {
        return isName(name, true);
    }

    private static boolean isName(String name, boolean wildcard) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            boolean star = wildcard && i == 0 && labels[i].equals("*") && labels.length > 1;
            if (!star && !DnsLabel.isValid(labels[i])) {
                return false;
            }
        }
        return true;
    }
}
