package dev.trustcontracts.pki;

import dev.trustcontracts.core.net.IpLiteral;
import java.net.InetAddress;
import java.util.Optional;

/**
 * One entry of a policy's allowed names: an exact DNS name ({@code alice}, {@code localhost}), a
 * one-label wildcard ({@code *.alice} allows {@code db.alice}, not {@code a.b.alice} and not
 * {@code alice}), or an exact IP address ({@code 127.0.0.1}, {@code ::1}).
 *
 * @param text the pattern, normalized (lowercase DNS, canonical IP form)
 * @param ip   the address of an IP pattern, otherwise null
 */
public record NamePattern(String text, InetAddress ip) {

    /** Parses a pattern as operators write it. */
    public static NamePattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an allowed name cannot be empty");
        }
        String t = text.trim();
        Optional<InetAddress> ip = IpLiteral.parse(t);
        if (ip.isPresent()) {
            return new NamePattern(ip.get().getHostAddress(), ip.get());
        }
        String name = DnsNames.normalize(t);
        if (!DnsNames.isNameOrWildcard(name)) {
            throw new IllegalArgumentException("allowed name '" + text + "' is neither a DNS name (a.b, "
                    + "optionally *.a.b), nor an IP address");
        }
        return new NamePattern(name, null);
    }

    public boolean isIp() {
        return ip != null;
    }

    public boolean isWildcard() {
        return text.startsWith("*.");
    }

    /**
     * Whether a normalized DNS name is allowed. A requested wildcard name is allowed only by the very
     * same wildcard pattern: {@code *.alice} covers exactly the names the pattern covers.
     */
    public boolean matchesDns(String name) {
        if (isIp()) {
            return false;
        }
        if (name.equals(text)) {
            return true;
        }
        if (!isWildcard() || name.startsWith("*")) {
            return false;
        }
        String suffix = text.substring(1); // ".alice"
        if (!name.endsWith(suffix)) {
            return false;
        }
        String first = name.substring(0, name.length() - suffix.length());
        return !first.isEmpty() && !first.contains(".");
    }

    public boolean matchesIp(InetAddress address) {
        return isIp() && ip.equals(address);
    }

    @Override
    public String toString() {
        return text;
    }
}
