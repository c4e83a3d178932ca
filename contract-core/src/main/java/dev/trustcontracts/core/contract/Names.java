package dev.trustcontracts.core.contract;

import java.util.regex.Pattern;

/** Shapes of names and ids in contracts. */
public final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private Names() {
    }

    /** A DNS label: lowercase letters, digits and inner hyphens, 1 to 63 characters. */
    public static boolean isLabel(String s) {
        return s != null && LABEL.matcher(s).matches();
    }

    /** A contract id: 128 random bits as 32 lowercase hex digits. */
    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }
}
