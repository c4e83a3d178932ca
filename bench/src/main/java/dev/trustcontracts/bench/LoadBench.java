package dev.trustcontracts.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./benchmark load [agents=1000] [duration=120s] [change-every=15s] [poll-every=30s] [contracts=1000]
 * [zones=200] [fetch-threads=16] [channels=8] [--mirrors M]}: one repo-server (a child JVM) and N simulated
 * agents ({@link SimulatedAgent}) on 127.0.0.1, a change of main through the API every {@code change-every}, and
 * a Markdown table of how each change spread, the errors, the server's CPU and memory, and requests per second.
 * With {@code --mirrors M}, M read-only mirrors of that primary (child JVMs, {@code --mirror-of} rung by its
 * watch stream) serve the agents, spread evenly; changes still go through the primary's API.
 */
final class LoadBench {
    private LoadBench() {
    }

    static void run(String[] all) throws Exception {
        java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(all));
        int mirrors = 0;
        int flag = rest.indexOf("--mirrors");
        if (flag >= 0) {
            if (flag + 1 >= rest.size()) {
                throw new IllegalArgumentException("--mirrors needs a count");
            }
            mirrors = Integer.parseInt(rest.get(flag + 1));
            rest.subList(flag, flag + 2).clear();
        }
        String[] args = rest.toArray(String[]::new);
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Duration duration = args.length > 1 ? AgentPropagationBench.parse(args[1]) : Duration.ofSeconds(120);
        Duration every = args.length > 2 ? AgentPropagationBench.parse(args[2]) : Duration.ofSeconds(15);
        Duration poll = args.length > 3 ? AgentPropagationBench.parse(args[3]) : Duration.ofSeconds(30);
        int contracts = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        int zones = args.length > 5 ? Integer.parseInt(args[5]) : 200;
        int fetchThreads = args.length > 6 ? Integer.parseInt(args[6]) : 16;
        int channels = args.length > 7 ? Integer.parseInt(args[7]) : 8;
        LoadRun.Settings s = new LoadRun.Settings(agents, contracts, zones, duration, every, poll, fetchThreads,
                channels, Duration.ofSeconds(60), 30, mirrors);
        Path tmp = Files.createTempDirectory("bench-load");
        try {
            LoadRun.Result r = LoadRun.run(s, tmp, (i, server) -> {
            });
            print(r);
            if (r.errors() > 0) {
                System.exit(1);
            }
        } finally {
            AgentBenchSupport.deleteTree(tmp);
        }
    }

    static void print(LoadRun.Result r) {
        LoadRun.Settings s = r.settings();
        System.out.printf("load: %d simulated agents, %d contracts between %d zones, %s run, a change every %s, "
                        + "polls every %s +/-10 %%, %d fetch threads, %d gRPC channels, %d cores; load average %s before, "
                        + "%s after%n%n", s.agents(), s.contracts(), s.zones(), s.duration(), s.changeEvery(),
                s.pollEvery(), s.fetchThreads(), s.channels(), Runtime.getRuntime().availableProcessors(),
                r.loadBefore(), r.loadAfter());
        if (s.mirrors() > 0) {
            System.out.printf("%d read-only mirrors of the primary (--mirror-of, rung by its watch stream), the agents "
                    + "spread evenly over them; server figures below are the mirrors' (summed), changes go through the "
                    + "primary's API%n%n", s.mirrors());
        }
        System.out.println("| change | API call | agents that fetched it | fetched p50 | p99 | max "
                + "| told by the watch stream p50 | p99 | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (LoadRun.ChangeResult c : r.changes()) {
            System.out.printf("| %d %s (%s) | %.0f ms | %d | %s | %s | %s | %s | %s | %s |%n", c.index() + 1, c.kind(),
                    c.commit().substring(0, 8), c.apiMs(), c.seenBy(), ms(c.fetchedMs(), 50), ms(c.fetchedMs(), 99),
                    ms(c.fetchedMs(), 100), ms(c.notifiedMs(), 50), ms(c.notifiedMs(), 99), ms(c.notifiedMs(), 100));
        }
        double[] all = r.allFetchedMs();
        System.out.printf("| all %d changes | | %d sightings | %s | %s | %s | | | |%n%n", r.changes().size(),
                all.length, ms(all, 50), ms(all, 99), ms(all, 100));
        System.out.println("| figure | value |");
        System.out.println("| --- | ---: |");
        row("errors (failed polls, fetches, streams, API calls; must be 0)", String.valueOf(r.errors()));
        row("watch streams answered / open on the server (trustctl_server_watch_subscribers)",
                r.streamsConnected() + " / " + r.watchSubscribersOnServer());
        row("measured time", String.format("%.1f s", r.seconds()));
        row("polls (JGit fetch of main; no pack when main has not moved)",
                String.format("%d (%.1f/s)", r.polls(), r.polls() / r.seconds()));
        row("fetches that brought a new main", String.valueOf(r.fetches()));
        row("Git HTTP requests served", String.format("%d (%.1f/s)", r.httpRequests(), r.httpRequests() / r.seconds()));
        row("watch messages received", String.valueOf(r.watchMessages()));
        row("server CPU (user+system), whole run", String.format("%.1f s (%.1f %% of one core)",
                r.serverCpuMs() / 1000.0, r.serverCpuMs() / 10.0 / r.seconds()));
        if (s.mirrors() > 0) {
            row("primary CPU (user+system), whole run: the API calls, the mirrors' fetches and streams",
                    String.format("%.1f s (%.1f %% of one core)", r.primaryCpuMs() / 1000.0,
                            r.primaryCpuMs() / 10.0 / r.seconds()));
        }
        row("bench JVM CPU (the simulated agents), changes and drain", String.format("%.1f s (%.1f %% of one core)",
                r.benchCpuMs() / 1000.0, r.benchCpuMs() / 10.0 / r.seconds()));
        row("server CPU per poll, warm, polls alone after the drain (" + String.format("%.0f s, %d polls",
                r.tailSeconds(), r.tailPolls()) + ")", r.tailPolls() == 0 ? "-"
                : String.format("%.2f ms", r.tailCpuMs() / (double) r.tailPolls()));
        row("server CPU when idle (" + r.streamsConnected() + " streams open, no polls, " + String.format("%.0f s)", r.idleSeconds()),
                String.format("%.0f ms/s", r.idleCpuMs() / r.idleSeconds()));
        row("server CPU per poll, warm, minus the idle rate", r.tailPolls() == 0 ? "-" : String.format("%.2f ms",
                (r.tailCpuMs() - r.idleCpuMs() / r.idleSeconds() * r.tailSeconds()) / r.tailPolls()));
        row("server CPU per poll, cold, before the first change (" + String.format("%.0f s, %d polls", r.quietSeconds(),
                r.quietPolls()) + "; 10 ms ticks)", r.quietPolls() == 0 ? "-"
                : String.format("%.2f ms", r.quietCpuMs() / (double) r.quietPolls()));
        row("server RSS before the streams / with them / max", String.format("%d / %d / %d MiB",
                r.rssBeforeStreamsKiB() / 1024, r.rssWithStreamsKiB() / 1024, r.rssMaxKiB() / 1024));
        row("server RSS per watch stream (difference / streams)", r.streamsConnected() == 0 ? "-"
                : String.format("%.1f KiB", (r.rssWithStreamsKiB() - r.rssBeforeStreamsKiB())
                / (double) r.streamsConnected()));
        for (String e : r.firstErrors()) {
            System.out.println("error: " + e);
        }
    }

    private static void row(String name, String value) {
        System.out.println("| " + name + " | " + value + " |");
    }

    private static String ms(double[] sorted, double p) {
        if (sorted.length == 0) {
            return "-";
        }
        double v = p >= 100 ? sorted[sorted.length - 1] : AgentBenchSupport.percentile(sorted, p);
        return v >= 10_000 ? String.format("%.1f s", v / 1000) : String.format("%.0f ms", v);
    }
}
