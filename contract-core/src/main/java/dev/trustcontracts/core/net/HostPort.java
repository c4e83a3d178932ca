package dev.trustcontracts.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host and port as operators write them: {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare {@code PORT}
 * meaning 127.0.0.1. Every interface (0.0.0.0) only when written out. Where a server listens, and where a
 * client connects.
 *
 * @param host host name or address literal (an IPv6 literal without brackets)
 * @param port 0 to 65535; 0 picks a free port
 */
public record HostPort(String host, int port) {
    public static final String LOOPBACK = "127.0.0.1";
    private static final Pattern FORM = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^\\[\\]:]+)):(\\d{1,5})|(\\d{1,5})");

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0 to 65535)");
        }
    }

    public static HostPort parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (for example 127.0.0.1:9443, "
                    + "[::1]:9443, or a port alone for 127.0.0.1)");
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : LOOPBACK;
        int port = Integer.parseInt(m.group(3) != null ? m.group(3) : m.group(4));
        return new HostPort(host, port);
    }

    /** Whether the host resolves to a loopback address only reachable from this machine. */
    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
