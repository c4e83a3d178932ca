package dev.trustcontracts.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.UserError;
import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code trustctl server}: the repo-server's JSON API from the command line, in place of curl. Every subcommand
 * prints aligned columns by default and the server's JSON with {@code -o json}.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Read and act on a running repo-server through its JSON API: contracts, zones, proposals, "
                + "history; merge a proposal, revoke a contract.",
            "The server comes from --server or TRUSTCTL_SERVER_URL; the login from --username with --password-file, "
                + "or TRUSTCTL_SERVER_USERNAME with TRUSTCTL_SERVER_PASSWORD."},
        subcommands = {ServerCommand.Contracts.class, ServerCommand.Show.class, ServerCommand.Zones.class,
            ServerCommand.Proposals.class, ServerCommand.Proposal.class, ServerCommand.Merge.class,
            ServerCommand.Revoke.class, ServerCommand.History.class, CommandLine.HelpCommand.class})
public final class ServerCommand implements Runnable {
    /** Contract names and branch names as the server accepts them: never a path of their own. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: the options, the client, and printing JSON or text. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server = new ServerOptions();

        ServerClient client() {
            return server.client(spec.commandLine().getErr());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Prints the answer as JSON and returns true, or returns false for the caller to print text. */
        boolean printedJson(JsonNode answer) {
            if (server.json()) {
                out().println(ServerClient.pretty(answer));
                return true;
            }
            return false;
        }
    }

    /** Paging and search as query parameters, passed through for servers that have them. */
    static final class Listing {
        @Option(names = "--search", paramLabel = "TEXT", description = "Only what matches (name, zone, fingerprint), "
                + "on servers that search.")
        String search;

        @Option(names = "--sort", paramLabel = "FIELD", description = "Sort order, on servers that sort.")
        String sort;

        @Option(names = "--order", paramLabel = "asc|desc", description = "Sort direction, on servers that sort.")
        String order;

        @Option(names = "--page", paramLabel = "N", description = "Page number from 1, on servers that page.")
        Integer page;

        @Option(names = "--size", paramLabel = "N", description = "Items per page, on servers that page.")
        Integer size;

        Map<String, String> query() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("q", search);
            q.put("sort", sort);
            q.put("order", order);
            q.put("page", page == null ? null : page.toString());
            q.put("size", size == null ? null : size.toString());
            return q;
        }
    }

    @Command(name = "contracts", mixinStandardHelpOptions = true,
            description = "The valid contracts on main: name, participants, effective expiry, signatures.")
    static final class Contracts extends Sub {
        @Mixin
        Listing listing = new Listing();

        @Override
        public Integer call() {
            JsonNode a = client().get("/api/contracts", listing.query());
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            Columns t = new Columns("NAME", "PARTICIPANTS", "EXPIRES", "SIGNATURES", "ID");
            for (JsonNode c : items(a, "contracts")) {
                t.row(text(c, "name"), names(c.path("participants"), "name"),
                        firstOf(c, "effectiveExpiry", "validUntil", "notAfter"), c.path("signatures").size(),
                        text(c, "id"));
            }
            t.print(out());
            out().println(footer(a, t.size(), "valid contract"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One valid contract on main: window, participants with their roots, signatures, the commit "
                    + "that brought it.")
    static final class Show extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The contract's name.")
        String name;

        @Override
        public Integer call() {
            JsonNode a = client().get("/api/contracts/" + checked(name, NAME, "contract name"), Map.of());
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            JsonNode c = a.path("contract");
            PrintWriter out = out();
            out.printf("contract   %s%nid         %s%npath       %s%nvalid      %s .. %s%nexpires    %s%n",
                    text(c, "name"), text(c, "id"), text(c, "path"), text(c, "notBefore"), text(c, "notAfter"),
                    firstOf(c, "effectiveExpiry", "validUntil"));
            Columns t = new Columns("PARTICIPANT", "ROOT SHA-256", "SUBJECT", "SIGNED");
            for (JsonNode p : c.path("participants")) {
                List<String> signed = new ArrayList<>();
                for (JsonNode s : c.path("signatures")) {
                    if (text(s, "participant").equals(text(p, "name"))) {
                        signed.add(text(s, "signedAt") + " by " + text(s, "signer"));
                    }
                }
                t.row(text(p, "name"), text(p, "hash"), text(p.path("certificateInfo"), "subject"),
                        signed.isEmpty() ? "NOT SIGNED" : String.join("; ", signed));
            }
            t.print(out);
            JsonNode added = a.path("addedIn");
            if (added.isObject()) {
                JsonNode by = added.path("mainUpdate");
                out.printf("added in   %s by %s (%s)%n", text(added, "commit"),
                        by.isObject() ? text(by, "user") : text(added.path("author"), "name") + " (author)",
                        Columns.oneLine(text(added, "subject")));
            }
            out.println("on main at " + text(a, "commit"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "zones", mixinStandardHelpOptions = true,
            description = "Every zone (root) on main and the zones it trusts through valid contracts.")
    static final class Zones extends Sub {
        @Mixin
        Listing listing = new Listing();

        @Override
        public Integer call() {
            JsonNode a = client().get("/api/zones", listing.query());
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            Columns t = new Columns("ZONE", "ROOT SHA-256", "CONTRACTS", "TRUSTS");
            for (JsonNode z : items(a, "zones")) {
                t.row(text(z, "name"), text(z, "hash"), z.path("contractCount").asInt(), names(z.path("trusts"), "name"));
            }
            t.print(out());
            out().println(footer(a, t.size(), "zone"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "proposals", mixinStandardHelpOptions = true,
            description = "The proposal branches: tip, author, subject, whether main already has them.")
    static final class Proposals extends Sub {
        @Mixin
        Listing listing = new Listing();

        @Override
        public Integer call() {
            JsonNode a = client().get("/api/proposals", listing.query());
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            Columns t = new Columns("BRANCH", "COMMIT", "MERGED", "AUTHOR", "SUBJECT");
            for (JsonNode p : items(a, "proposals")) {
                t.row(text(p, "branch"), shortCommit(text(p, "commit")),
                        p.path("mergedIntoMain").asBoolean() ? "yes" : "no", author(p.path("author")),
                        text(p, "subject"));
            }
            t.print(out());
            out().println(footer(a, t.size(), "proposal"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "proposal", mixinStandardHelpOptions = true,
            description = "One proposal judged for main: who has signed, what is missing, whether it can be merged.")
    static final class Proposal extends Sub {
        @Parameters(index = "0", paramLabel = "BRANCH", description = "The branch, e.g. proposals/alice-bob.")
        String branch;

        @Override
        public Integer call() {
            JsonNode a = client().get("/api/proposals/" + checked(branch, BRANCH, "branch name"), Map.of());
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            describeProposal(a, out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge a proposal into main. Shows what it brings and asks first (--yes: do not ask). "
                    + "The server judges the result as a push to main and says why it refuses.")
    static final class Merge extends Sub {
        @Parameters(index = "0", paramLabel = "BRANCH", description = "The branch, e.g. proposals/alice-bob.")
        String branch;

        @Option(names = {"-y", "--yes"}, description = "Merge without asking (scripts; needed when not on a terminal).")
        boolean yes;

        @Option(names = "--head", paramLabel = "COMMIT", description = "Merge only if the branch's head is still this "
                + "commit (the one reviewed); after the question, the commit shown is the one merged.")
        String head;

        @Override
        public Integer call() {
            ServerClient client = client();
            String path = "/api/proposals/" + checked(branch, BRANCH, "branch name");
            if (!yes) {
                Console console = Confirmation.terminal("merge", "merge " + branch);
                JsonNode shown = client.get(path, Map.of());
                describeProposal(shown, console.writer());
                Confirmation.ask(console, "Merge " + branch + " into main on " + client.base() + "?", "merge");
                // what was shown is what gets merged: a server that checks head refuses a branch moved meanwhile
                head = head != null ? head : text(shown, "commit");
            }
            Map<String, String> q = new LinkedHashMap<>();
            q.put("head", head == null || head.isEmpty() ? null : head);
            JsonNode a = client.post(path + "/merge", q);
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            out().printf("merged %s into main: %s (%s)%n", text(a, "branch"), text(a, "commit"),
                    a.path("fastForward").asBoolean() ? "fast-forward" : "merge commit");
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a contract: the server commits the deletion of its file on main; agents drop the "
                    + "peers at their next pull and the id never comes back. Asks first (--yes: do not ask).")
    static final class Revoke extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The contract's name.")
        String name;

        @Option(names = {"-y", "--yes"}, description = "Revoke without asking (scripts; needed when not on a terminal).")
        boolean yes;

        @Override
        public Integer call() {
            ServerClient client = client();
            String path = "/api/contracts/" + checked(name, NAME, "contract name");
            if (!yes) {
                Console console = Confirmation.terminal("revoke", "revoke " + name);
                PrintWriter w = console.writer();
                JsonNode c = client.get(path, Map.of()).path("contract");
                w.printf("contract %s (id %s, %s) between %s, until %s%n", text(c, "name"), text(c, "id"),
                        text(c, "path"), names(c.path("participants"), "name"),
                        firstOf(c, "effectiveExpiry", "validUntil"));
                Confirmation.ask(console, "Revoke " + name + " on " + client.base() + "? This cannot be undone",
                        "revoke");
            }
            JsonNode a = client.delete(path);
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            out().printf("revoked %s: %s deleted on main in %s%n", name, text(a, "path"), text(a, "commit"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Who added, changed or revoked which contract on main, newest first.")
    static final class History extends Sub {
        @Option(names = "--contract", paramLabel = "NAME", description = "Only this contract.")
        String contract;

        @Option(names = "--limit", paramLabel = "N", description = "At most N events (server default 50, at most 500).")
        Integer limit;

        @Option(names = "--start", paramLabel = "COMMIT", description = "Continue from this commit (printed as 'more:').")
        String start;

        @Mixin
        Listing listing = new Listing();

        @Override
        public Integer call() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("contract", contract);
            q.put("limit", limit == null ? null : limit.toString());
            q.put("start", start);
            q.putAll(listing.query());
            JsonNode a = client().get("/api/history", q);
            if (printedJson(a)) {
                return ExitCodes.OK;
            }
            Columns t = new Columns("WHEN", "BY", "CHANGE", "CONTRACT", "COMMIT", "SUBJECT");
            for (JsonNode e : items(a, "events")) {
                JsonNode by = e.path("mainUpdate");
                String when = by.isObject() ? text(by, "at") : text(e, "committedAt");
                String who = by.isObject() ? text(by, "user") : author(e.path("author")) + " (author)";
                for (JsonNode ch : e.path("changes")) {
                    t.row(when, who, text(ch, "change"), text(ch, "name"), shortCommit(text(e, "commit")),
                            text(e, "subject"));
                }
            }
            t.print(out());
            String next = text(a, "next");
            if (!next.isEmpty()) {
                out().println("more: --start " + next);
            }
            return ExitCodes.OK;
        }
    }

    /** The proposal as the merge will see it: tip, who signed, what is missing, the server's verdict. */
    static void describeProposal(JsonNode p, PrintWriter out) {
        out.printf("proposal   %s at %s%n", text(p, "branch"), text(p, "commit"));
        if (p.has("subject")) {
            out.printf("subject    %s by %s%n", Columns.oneLine(text(p, "subject")), author(p.path("author")));
        }
        for (JsonNode f : p.path("files")) {
            out.printf("  %-8s %s%n", text(f, "change"), text(f, "path"));
        }
        if (p.path("contracts").size() > 0) {
            Columns t = new Columns("CONTRACT", "PARTICIPANT", "STATUS", "SIGNED");
            for (JsonNode c : p.path("contracts")) {
                for (JsonNode part : c.path("participants")) {
                    t.row(text(c, "name"), text(part, "name"), text(part, "status"),
                            text(part, "signedAt").isEmpty() ? "" : text(part, "signedAt") + " by " + text(part, "signer"));
                }
            }
            t.print(out);
        }
        for (JsonNode problem : p.path("problems")) {
            out.println("problem    " + text(problem, "text"));
        }
        for (JsonNode m : p.path("missingSignatures")) {
            out.printf("missing    %s: participant %s has not signed%n", text(m, "file"), text(m, "participant"));
        }
        if (p.path("mergedIntoMain").asBoolean()) {
            out.println("status     already merged into main");
        } else if (p.has("mergeable")) {
            out.println(p.path("mergeable").asBoolean() ? "status     mergeable"
                    : "status     NOT mergeable now (the server will refuse and say why)");
        } else {
            out.println(p.path("acceptable").asBoolean() ? "status     acceptable" : "status     NOT acceptable");
        }
        out.flush();
    }

    /** The list in an answer: the named field, or the answer itself when a server sends a bare list. */
    static Iterable<JsonNode> items(JsonNode answer, String field) {
        if (answer.isArray()) {
            return answer;
        }
        JsonNode n = answer.path(field);
        return n.isArray() ? n : answer.path("items");
    }

    /** "3 valid contracts on main at abc123", with the total when a paging server says there are more. */
    static String footer(JsonNode a, int shown, String noun) {
        String total = a.isObject() ? firstOf(a, "total", "count") : "";
        String n = !total.isEmpty() && !total.equals(Integer.toString(shown)) ? shown + " of " + total : Integer.toString(shown);
        String plural = n.equals("1") ? noun : noun + "s";
        String commit = a.isObject() ? text(a, "commit") : "";
        String pages = a.isObject() ? text(a, "pages") : "";
        String page = !pages.isEmpty() && !pages.equals("1") ? ", page " + text(a, "page") + " of " + pages
                + " (--page N)" : "";
        return n + " " + plural + (commit.isEmpty() ? "" : " on main at " + commit) + page;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : Columns.oneLine(v.asText());
    }

    static String firstOf(JsonNode n, String... fields) {
        for (String f : fields) {
            String v = text(n, f);
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    static String names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(x -> out.add(x.isTextual() ? x.asText() : text(x, field)));
        return String.join(",", out);
    }

    /** An author is a name in some answers and {name, email, at} in others. */
    static String author(JsonNode a) {
        return a.isObject() ? text(a, "name") : Columns.oneLine(a.asText(""));
    }

    static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    private static String checked(String value, Pattern pattern, String what) {
        if (!pattern.matcher(value).matches() || value.contains("..")) {
            throw new UserError("'" + value + "' is not a " + what, ExitCodes.USAGE);
        }
        return value;
    }

    /** Asking on the terminal before changing main; refusing to guess when there is no terminal. */
    static final class Confirmation {
        private Confirmation() {
        }

        static Console terminal(String command, String action) {
            Console c = System.console();
            if (c == null) {
                throw new UserError(command + " asks for confirmation on a terminal and there is none; to " + action
                        + " without asking, add --yes", ExitCodes.USAGE);
            }
            return c;
        }

        static void ask(Console console, String question, String command) {
            String answer = console.readLine("%s [y/N] ", question);
            if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                throw new UserError("not confirmed: nothing was done (" + command + ")");
            }
        }
    }
}
