package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.reposerver.git.ContractGit;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer for a contract that was on main and is no more: {@code GET /api/contracts/{name}} answers
 * {@code 410 Gone} with a {@code revoked} object, so that a bookmarked page keeps saying when and by whom.
 * It comes from main's history (the same walk as {@code GET /api/history?contract=NAME}): the newest event
 * that touched the contract's file, when that event deleted it. Who: the authenticated user of the update of
 * main that brought the deleting commit (a revocation through the API, a merge, or a push), from the
 * server's reflog of main; {@code null} when the reflog has no record of it (a repository copied in), and
 * then the audit log is the only record. The commit's author is what the committer wrote.
 */
final class RevokedView {
    private RevokedView() {
    }

    /** The 410 body for {@code name}, or empty when main's history shows no removal of it as its last change. */
    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> of(ContractGit git, String name, String mainCommit) throws IOException {
        if (!Names.isLabel(name)) {
            return Optional.empty();
        }
        // the newest event of this contract; one request reads at most ContractHistory's bound of commits
        Map<String, Object> h = git.history(name, null, 1);
        List<Map<String, Object>> events = (List<Map<String, Object>>) h.get("events");
        if (events.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> ev = events.get(0);
        Map<String, Object> removed = null;
        for (Map<String, Object> ch : (List<Map<String, Object>>) ev.get("changes")) {
            if ("revoked".equals(ch.get("change")) && name.equals(ch.get("name"))) {
                removed = ch;
            }
        }
        if (removed == null) {
            return Optional.empty(); // its last change added or changed it: on main, just not valid
        }
        Map<String, Object> update = (Map<String, Object>) ev.get("mainUpdate");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("path", removed.get("path"));
        r.put("blob", removed.get("blob"));
        r.put("commit", ev.get("commit"));
        r.put("subject", ev.get("subject"));
        r.put("author", ev.get("author"));
        r.put("committedAt", ev.get("committedAt"));
        r.put("at", update != null ? update.get("at") : ev.get("committedAt"));
        r.put("user", update != null ? update.get("user") : null);
        r.put("mainUpdate", update);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 410);
        body.put("error", "contract '" + name + "' was revoked: " + removed.get("path") + " was deleted from main in commit "
                + ev.get("commit") + (update != null ? " by " + update.get("user") + " at " + update.get("at") : ""));
        body.put("commit", mainCommit);
        body.put("revoked", r);
        return Optional.of(body);
    }
}
