package dev.trustcontracts.core.net;

import java.util.regex.Pattern;

/**
 * A DNS label as the project writes names: lowercase letters, digits and inner hyphens, 1 to 63
 * characters (RFC 1123 LDH, lowercase only). Contract, zone and participant names are labels; the
 * PKI's host names are dot-separated labels.
 */
public final class DnsLabel {
    /** The longest label DNS allows. */
    public static final int MAX_LENGTH = 63;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private DnsLabel() {
    }

    /** Whether {@code s} is one lowercase LDH label; null is not. */
    public static boolean isValid(String s) {
        return s != null && LABEL.matcher(s).matches();
    }
}
