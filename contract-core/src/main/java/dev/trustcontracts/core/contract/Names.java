package dev.trustcontracts.core.contract;

import dev.trustcontracts.core.net.DnsLabel;
import java.util.regex.Pattern;

/** Shapes of names and ids in contracts. */
public final class Names {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private Names() {
    }

    /** Contract, zone and participant names are DNS labels (see {@link DnsLabel}). */
    public static boolean isLabel(String s) {
        return DnsLabel.isValid(s);
    }

    /** A contract id: 128 random bits as 32 lowercase hex digits. */
    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }
}
