package dev.trustcontracts.reposerver;

import dev.trustcontracts.reposerver.auth.UserStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail: one event per push (one per ref), merge, revocation, failed login and configuration change,
 * on the logger {@code trustctl.audit} with SLF4J key-value pairs. The launcher writes that logger as JSON
 * lines ({@code --audit-log}); every event has {@code event}, {@code outcome} and, where there is one, the
 * authenticated {@code user} and the client {@code address}.
 */
public final class Audit {
    public static final String LOGGER = "trustctl.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Audit() {
    }

    /** One event per ref of a push, tied together by a push id; called once the push's results are final. */
    public static void push(String user, String address, Collection<ReceiveCommand> commands) {
        String id = UUID.randomUUID().toString();
        for (ReceiveCommand c : commands) {
            boolean ok = c.getResult() == ReceiveCommand.Result.OK;
            LoggingEventBuilder b = (ok ? LOG.atInfo() : LOG.atWarn())
                    .setMessage("push of " + c.getRefName() + " by " + user + (ok ? " accepted" : " refused"))
                    .addKeyValue("event", "push")
                    .addKeyValue("outcome", ok ? "accepted" : "refused")
                    .addKeyValue("user", user)
                    .addKeyValue("address", address)
                    .addKeyValue("push", id)
                    .addKeyValue("ref", c.getRefName())
                    .addKeyValue("type", c.getType().name().toLowerCase(java.util.Locale.ROOT))
                    .addKeyValue("old", c.getOldId().name())
                    .addKeyValue("new", c.getNewId().name());
            if (!ok) {
                b = b.addKeyValue("reason", c.getMessage() != null ? c.getMessage() : c.getResult().name());
            }
            b.log();
        }
    }

    /** A merge or revocation through the API: {@code subject} is the branch or the contract. */
    public static void mainChange(String event, String user, String address, String subject, ObjectId oldMain,
                           String newMain, String refusal) {
        boolean ok = refusal == null;
        (ok ? LOG.atInfo() : LOG.atWarn())
                .setMessage(event + " of " + subject + " by " + user + (ok ? " done" : " refused: " + refusal))
                .addKeyValue("event", event)
                .addKeyValue("outcome", ok ? "accepted" : "refused")
                .addKeyValue("user", user)
                .addKeyValue("address", address)
                .addKeyValue(event.equals("merge") ? "branch" : "contract", subject)
                .addKeyValue("old", oldMain == null ? "" : oldMain.name())
                .addKeyValue("new", newMain == null ? "" : newMain)
                .addKeyValue("reason", ok ? "" : refusal)
                .log();
    }

    /** A failed login; the name tried is logged only when it is a well-formed user name. */
    public static void loginFailed(String authorization, String address, String via) {
        LOG.atWarn()
                .setMessage("login failed from " + address + " (" + via + ")")
                .addKeyValue("event", "login-failure")
                .addKeyValue("outcome", "refused")
                .addKeyValue("user", triedName(authorization))
                .addKeyValue("address", address)
                .addKeyValue("via", via)
                .log();
    }

    /** A change of the server's configuration, such as a user added, removed, or given other zones. */
    public static void configChange(String action, String target, List<String> details) {
        LOG.atInfo()
                .setMessage("configuration change: " + action + " " + target)
                .addKeyValue("event", "config-change")
                .addKeyValue("outcome", "accepted")
                .addKeyValue("action", action)
                .addKeyValue("target", target)
                .addKeyValue("by", System.getProperty("user.name", ""))
                .addKeyValue("details", String.join("; ", details))
                .log();
    }

    /** A change of the users file that this process observed when it re-read the file. */
    public static void usersFileChanged(String action, String target, java.util.Set<String> zones, boolean admin) {
        LOG.atInfo()
                .setMessage("users file changed: " + action + " " + target)
                .addKeyValue("event", "config-change")
                .addKeyValue("outcome", "observed")
                .addKeyValue("action", action)
                .addKeyValue("target", target)
                .addKeyValue("by", "")
                .addKeyValue("details", "zones=" + String.join(",", new java.util.TreeSet<>(zones)) + "; admin=" + admin)
                .log();
    }

    /** The user name of a Basic header, never the password; "" when absent or not a valid name. */
    static String triedName(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String name = colon < 0 ? "" : decoded.substring(0, colon);
            return UserStore.isValidName(name) ? name : "";
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
