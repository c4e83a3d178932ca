package dev.trustcontracts.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.bouncycastle.util.IPAddress;

/** IP address literals, parsed without ever asking DNS. */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address when the text is an IPv4 or IPv6 literal (no zone id, no mask). */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || !(IPAddress.isValidIPv4(text) || IPAddress.isValidIPv6(text)) || text.contains("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text)); // a validated literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An address from the 4 or 16 octets of an iPAddress general name. */
    public static Optional<InetAddress> fromOctets(byte[] octets) {
        if (octets.length != 4 && octets.length != 16) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(octets));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
