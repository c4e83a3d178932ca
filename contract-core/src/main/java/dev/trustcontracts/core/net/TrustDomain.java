package dev.trustcontracts.core.net;

import java.util.regex.Pattern;

/**
 * A SPIFFE trust domain name (SPIFFE-ID §2.1): lowercase letters, digits, '.', '-' and '_', 1 to 255 characters.
 * A leading dot is refused as well: such a name is no host-like name, and "." or ".." would be a path step
 * where a name becomes a file name (the agent's {@code spiffe/<trust-domain>.json}). The PKI's SVIDs and the
 * agent's SPIFFE bundles check names by this one rule.
 */
public final class TrustDomain {
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,255}");

    private TrustDomain() {
    }

    /** Whether {@code s} is a trust domain name; null is not. */
    public static boolean isValid(String s) {
        return s != null && NAME.matcher(s).matches() && !s.startsWith(".");
    }
}
