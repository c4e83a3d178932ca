package dev.trustcontracts.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustcontracts.reposerver.Audit;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trustctl repo-server user}: the users of a repo-server and their zones. Every change is written
 * atomically to the users file (mode 0600; a running server picks it up) and logged as an audit event.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Manage the users of the repo-server and the zones they act for.",
            "A user may revoke, change, add or merge only contracts that list one of",
            "its zones, and delete or rewrite only proposal branches it created;",
            "an admin may do all."},
        subcommands = {UserCommand.ListUsers.class, UserCommand.Add.class, UserCommand.Remove.class,
            UserCommand.Passwd.class, UserCommand.Zones.class})
final class UserCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the users file is, and where the audit event of a change goes. */
    static final class Where {
        @Option(names = "--users", paramLabel = "FILE", description = "Users file (default: DATA/users with --data).")
        Path users;

        @Option(names = "--data", paramLabel = "DIR", description = "The server's data directory.")
        Path data;

        @Option(names = "--audit-log", paramLabel = "FILE|-",
                description = "Append the change's audit event as a JSON line to FILE (the server's --audit-log), "
                        + "or '-' for standard output; repeatable. Default: a line on standard error.")
        List<String> auditLog;

        UserStore store(CommandLine cl) {
            if (users == null && data == null) {
                throw new CommandLine.ParameterException(cl, "give --users FILE or --data DIR");
            }
            return new UserStore(users != null ? users : data.resolve("users"));
        }

        void audit(String action, String target, List<String> details) {
            LogSetup.auditTo(auditLog);
            Audit.configChange(action, target, details);
        }
    }

    /** {@code user list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users: name, zones, admin.")
    static final class ListUsers implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
                description = "text (default) or json.")
        String output;

        @Override
        public Integer call() throws IOException {
            List<UserStore.User> users = where.store(spec.commandLine()).list();
            PrintWriter out = spec.commandLine().getOut();
            if (output.equals("json")) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (UserStore.User u : users) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", u.name());
                    m.put("zones", u.zones());
                    m.put("admin", u.admin());
                    rows.add(m);
                }
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(Map.of("users", rows)));
            } else if (output.equals("text")) {
                out.printf("%-24s %-40s %s%n", "NAME", "ZONES", "ADMIN");
                for (UserStore.User u : users) {
                    out.printf("%-24s %-40s %s%n", u.name(), u.zones().isEmpty() ? "-" : String.join(",", u.zones()),
                            u.admin() ? "yes" : "no");
                }
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "-o takes text or json");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code user add NAME}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a user, or set an existing user's password.",
                "The password is read from the terminal, or from the first line of",
                "standard input when it is not a terminal; it is stored as a salted",
                "PBKDF2-HMAC-SHA256 hash in a file of mode 0600. A running server picks",
                "it up."})
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "User name (lowercase letters, digits, inner hyphens).")
        String name;

        @Option(names = "--zone", paramLabel = "ZONE",
                description = "A zone (participant name) the user acts for; repeatable.")
        List<String> zones = new ArrayList<>();

        @Option(names = "--admin", description = "A repository admin: may do everything.")
        boolean admin;

        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException {
            checkName(spec, name);
            UserStore store = where.store(spec.commandLine());
            char[] password = readPassword(name);
            try {
                boolean existed = store.contains(name);
                Set<String> z = new TreeSet<>(zones);
                if (existed && z.isEmpty() && !admin) {
                    store.put(name, password, new PasswordHasher()); // keeps its zones
                } else {
                    try {
                        store.put(name, password, new PasswordHasher(), z, admin);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                    }
                }
                var u = store.access(name);
                where.audit(existed ? "user-passwd" : "user-add", name, describe(u.zones(), u.admin()));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s user %s in %s (%s)%n", existed ? "updated" : "added", name, store.file(), u.describe());
                if (!u.admin() && u.zones().isEmpty()) {
                    out.printf("note: %s has no zone: it may push proposals, but not change main, merge or revoke "
                            + "('user zones %s --add ZONE')%n", name, name);
                }
            } finally {
                Arrays.fill(password, '\0');
            }
            return ExitCodes.OK;
        }
    }

    /** {@code user remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a user; a running server refuses its logins at once.")
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException {
            UserStore store = where.store(spec.commandLine());
            if (!store.remove(name)) {
                throw new UserError("no user '" + name + "' in " + store.file());
            }
            where.audit("user-remove", name, List.of());
            spec.commandLine().getOut().printf("removed user %s from %s%n", name, store.file());
            return ExitCodes.OK;
        }
    }

    /** {@code user passwd NAME}. */
    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = {"Set a user's password (read as for 'user add'); its zones stay.",
                "Logins with the old password stop working at once."})
    static final class Passwd implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException {
            UserStore store = where.store(spec.commandLine());
            if (!store.contains(name)) {
                throw new UserError("no user '" + name + "' in " + store.file() + " (add it with 'user add')");
            }
            char[] password = readPassword(name);
            try {
                store.put(name, password, new PasswordHasher());
            } finally {
                Arrays.fill(password, '\0');
            }
            where.audit("user-passwd", name, List.of());
            spec.commandLine().getOut().printf("password of %s changed in %s%n", name, store.file());
            return ExitCodes.OK;
        }
    }

    /** {@code user zones NAME}. */
    @Command(name = "zones", mixinStandardHelpOptions = true,
            description = {"Show or change the zones a user acts for, and whether it is an admin.",
                "Without options, prints them."})
    static final class Zones implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--add", paramLabel = "ZONE", description = "Add a zone; repeatable.")
        List<String> add = new ArrayList<>();

        @Option(names = "--remove", paramLabel = "ZONE", description = "Remove a zone; repeatable.")
        List<String> remove = new ArrayList<>();

        @Option(names = "--set", paramLabel = "ZONE", split = ",",
                description = "Replace the zones by these (comma-separated; '--set \"\"' for none).")
        List<String> set;

        @Option(names = "--admin", negatable = true,
                description = "Make the user an admin (--no-admin: an ordinary user of its zones).")
        Boolean admin;

        @Mixin
        Where where;

        @Override
        public Integer call() throws IOException {
            UserStore store = where.store(spec.commandLine());
            if (!store.contains(name)) {
                throw new UserError("no user '" + name + "' in " + store.file());
            }
            var before = store.access(name);
            PrintWriter out = spec.commandLine().getOut();
            if (add.isEmpty() && remove.isEmpty() && set == null && admin == null) {
                out.printf("%s: %s%n", name, before.describe());
                return ExitCodes.OK;
            }
            Set<String> zones = new TreeSet<>(before.zones());
            if (set != null) {
                zones.clear();
                set.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(zones::add);
            }
            zones.addAll(add);
            zones.removeAll(remove);
            boolean adm = admin != null ? admin : before.admin();
            try {
                store.setAccess(name, zones, adm);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            List<String> details = new ArrayList<>(describe(zones, adm));
            details.add("before: " + String.join(", ", describe(before.zones(), before.admin())));
            where.audit("user-zones", name, details);
            out.printf("%s: %s%n", name, store.access(name).describe());
            return ExitCodes.OK;
        }
    }

    private static List<String> describe(Set<String> zones, boolean admin) {
        return List.of("zones=" + String.join(",", new TreeSet<>(zones)), "admin=" + admin);
    }

    private static void checkName(CommandLine.Model.CommandSpec spec, String name) {
        if (!UserStore.isValidName(name)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "user name '" + name
                    + "' is not valid (lowercase letters, digits, inner hyphens, at most 63)");
        }
    }

    private static char[] readPassword(String name) throws IOException {
        char[] password;
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("Repeat it: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new UserError("the passwords do not match", ExitCodes.USAGE);
            }
            Arrays.fill(again, '\0');
            password = first;
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new UserError("no password on standard input", ExitCodes.USAGE);
            }
            password = line.toCharArray();
        }
        if (password.length < 8) {
            Arrays.fill(password, '\0');
            throw new UserError("the password is too short (at least 8 characters)", ExitCodes.USAGE);
        }
        return password;
    }
}
