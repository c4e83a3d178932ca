package dev.trustcontracts.pki;

import dev.trustcontracts.core.net.TrustDomain;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain>/<path>}, in the strict form the SPIFFE spec allows:
 * lowercase trust domain, a non-empty path of segments of letters, digits, dot, dash and underscore,
 * no "." or ".." segments, no port, user info, query or fragment.
 *
 * @param trustDomain the trust domain
 * @param path        the path, starting with "/"
 */
public record SpiffeId(String trustDomain, String path) {
    private static final Pattern ID = Pattern.compile("spiffe://([a-z0-9._-]{1,255})((?:/[A-Za-z0-9._-]+)+)");

    public static Optional<SpiffeId> parse(String uri) {
        if (uri == null || uri.length() > 2048) {
            return Optional.empty();
        }
        Matcher m = ID.matcher(uri);
        if (!m.matches() || !TrustDomain.isValid(m.group(1))) {
            return Optional.empty();
        }
        for (String segment : m.group(2).substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(new SpiffeId(m.group(1), m.group(2)));
    }


    @Override
    public String toString() {
        return "spiffe://" + trustDomain + path;
    }
}
