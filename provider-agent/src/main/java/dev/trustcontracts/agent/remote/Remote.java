package dev.trustcontracts.agent.remote;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configured {@code --remote}: its URL as given and the name its refs have in the local clone. The name is
 * fixed by the remote's place on the command line: the first is {@code origin} (so a single-remote agent's clone
 * is what it always was), the others {@code remote1}, {@code remote2}, ... Reordering the flags only renames
 * fetch targets, which every fetch forces anyway.
 *
 * @param index the remote's place among the --remote flags, from 0
 * @param url   the URL as the operator gave it (it may carry a user name or a password: never print it, print
 *              {@link #label()})
 */
public record Remote(int index, String url) {
    /** A URL scheme and the {@code user:password@} or {@code user@} after it. */
    private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/\\s]*)@");

    public Remote {
        Objects.requireNonNull(url, "url");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }

    /** The name under refs/remotes/ in the local clone. */
    public String name() {
        return index == 0 ? "origin" : "remote" + index;
    }

    /** Where this remote's main is kept in the local clone. */
    public String trackingRef() {
        return "refs/remotes/" + name() + "/main";
    }

    /**
     * Where this remote's {@code refs/trust/*} (the signed heartbeat) are kept in the local clone; fetched by a
     * wildcard refspec, so a remote without them is no error.
     */
    public String trustRefPrefix() {
        return "refs/remotes/" + name() + "/trust/";
    }

    /** The URL without user name or password: what health, metrics and logs show. */
    public String label() {
        return label(url);
    }

    /** {@code text} with this remote's URL replaced by its label and any userinfo of a URL dropped. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        return withoutSecrets(text.replace(url, label()));
    }

    /**
     * {@code url} without user name or password (an ssh:// or scp-like {@code user@host:path} user name stays: it is
     * no secret).
     */
    public static String label(String url) {
        return withoutSecrets(url);
    }

    /**
     * Every URL in {@code text} without its userinfo, except an ssh:// user name alone ({@code ssh://git@host/}: a
     * name, not a secret). An http(s):// user name goes too: hosted services take a token there.
     */
    private static String withoutSecrets(String text) {
        return USERINFO.matcher(text).replaceAll(m -> {
            boolean sshUser = m.group(1).toLowerCase(java.util.Locale.ROOT).startsWith("ssh")
                    && !m.group(2).contains(":");
            return java.util.regex.Matcher.quoteReplacement(sshUser ? m.group() : m.group(1) + "://");
        });
    }
}
