package dev.trustcontracts.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Whether a name is an IPv4 or IPv6 literal, decided without any name lookup: the certificate name then goes
 * into an iPAddress SAN instead of a dNSName. The one place the agent tells addresses from host names.
 */
final class IpLiteral {
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpLiteral() {
    }

    static boolean is(String s) {
        if (!IPV4.matcher(s).matches() && !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // only literals reach here: the JDK parses them without a DNS lookup
            InetAddress.getByName(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
