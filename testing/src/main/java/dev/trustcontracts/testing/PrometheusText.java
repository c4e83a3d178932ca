package dev.trustcontracts.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests that scrape {@code /metrics}:
 * every line must be a comment, a HELP or TYPE line or a sample; each family is typed once, before its samples,
 * and its samples stand together; a series appears once. Also reads the metric names an operator guide's
 * metrics table documents, so that the tests hold the docs and the code together. Shared with the agent's tests.
 */
public final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ")(?: (.*))?");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|summary|histogram|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{[^}]*})? (\\S+)(?: (-?[0-9]+))?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    /** A documented series in a Markdown table cell: {@code `trustctl_...`} with optional {@code {labels}}. */
    private static final Pattern DOCUMENTED = Pattern.compile("`(trustctl_[a-z0-9_]+)(?:\\{[^`]*})?`");

    /** One sample: its metric name, labels in order, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A parsed scrape: the families by name with their type, and every sample. */
    public record Scrape(Map<String, String> types, List<Sample> samples) {
        /** The value of the one series with this name and these labels (in any order). */
        public double value(String name, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                    .findFirst().orElseThrow(() -> new AssertionError("no series " + name + labels)).value();
        }
    }

    private PrometheusText() {
    }

    /** A file of the docs directory, found from the module's directory (Maven's) or the checkout's root. */
    public static Path doc(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("docs").resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Parses a whole scrape; throws AssertionError naming the first line that breaks the format. */
    public static Scrape parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>();
        Set<String> series = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a line feed");
        }
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (!helped.add(m.group(1))) {
                    throw new AssertionError(where + "a second HELP for " + m.group(1));
                }
            } else if ((m = TYPE.matcher(line)).matches()) {
                String family = m.group(1);
                if (types.containsKey(family) || finished.contains(family)
                        || samples.stream().anyMatch(s -> family(s.name(), types).equals(family))) {
                    throw new AssertionError(where + "TYPE after the family's samples or twice");
                }
                types.put(family, m.group(2));
            } else if (line.startsWith("#")) {
                if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
                    throw new AssertionError(where + "malformed HELP or TYPE line");
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                Map<String, String> labels = labels(m.group(2), where);
                double value = number(m.group(3), where);
                String family = family(name, types);
                if (!types.containsKey(family)) {
                    throw new AssertionError(where + "a sample of a family without a TYPE line");
                }
                if (!family.equals(current)) {
                    if (current != null) {
                        finished.add(current);
                    }
                    if (finished.contains(family)) {
                        throw new AssertionError(where + "the samples of " + family + " are not together");
                    }
                    current = family;
                }
                if (!series.add(name + labels)) {
                    throw new AssertionError(where + "the same series twice");
                }
                samples.add(new Sample(name, labels, value));
            } else {
                throw new AssertionError(where + "neither a comment nor a sample");
            }
        }
        return new Scrape(types, samples);
    }

    /** The family a sample belongs to: its own name, or a summary's/histogram's name for _count, _sum, _bucket. */
    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_count", "_sum", "_bucket")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("summary".equals(type) || "histogram".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Map<String, String> labels(String block, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (block == null) {
            return out;
        }
        String inner = block.substring(1, block.length() - 1);
        Matcher m = LABEL.matcher(inner);
        int at = 0;
        while (at < inner.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError(where + "malformed labels");
            }
            if (out.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError(where + "label " + m.group(1) + " twice");
            }
            at = m.end();
            if (at < inner.length()) {
                if (inner.charAt(at) != ',') {
                    throw new AssertionError(where + "labels not separated by a comma");
                }
                at++;
            }
        }
        return out;
    }

    private static double number(String text, String where) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new AssertionError(where + "not a number: " + text);
                }
                return Double.parseDouble(text);
        }
    }

    /** One row of an operator guide's metrics table. */
    public record Documented(String name, String type, Set<String> labels) {
    }

    /**
     * The rows of the metrics table of an operator guide (columns: name, type, labels, meaning) under the heading
     * that contains {@code heading}, up to the next heading: each backticked {@code trustctl_} name of the
     * first cell, with the type of the second and the backticked label names of the third.
     */
    public static Map<String, Documented> documented(Path markdown, String heading) throws IOException {
        Map<String, Documented> rows = new LinkedHashMap<>();
        boolean in = false;
        boolean code = false;
        for (String line : Files.readAllLines(markdown, StandardCharsets.UTF_8)) {
            if (line.startsWith("```")) {
                code = !code;
            }
            if (line.startsWith("#") && !code) {
                in = line.contains(heading);
                continue;
            }
            if (in && line.startsWith("| `trustctl_")) {
                String[] cells = line.split("\\|");
                if (cells.length < 5) {
                    throw new AssertionError("a metrics row without name, type, labels and meaning: " + line);
                }
                Set<String> labels = new LinkedHashSet<>();
                Matcher l = Pattern.compile("`([a-z_]+)`").matcher(cells[3]);
                while (l.find()) {
                    labels.add(l.group(1));
                }
                Matcher m = DOCUMENTED.matcher(cells[1]);
                while (m.find()) {
                    rows.put(m.group(1), new Documented(m.group(1), cells[2].trim(), labels));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError("no metrics table under '" + heading + "' in " + markdown);
        }
        return rows;
    }

    /**
     * Holds a scrape and a guide's table together: every documented family is in the scrape with the documented
     * type and label names (a summary's {@code quantile} aside), and every family in the scrape is documented.
     * Families listed in {@code mayBeAbsent} (ones that only exist in some states) need not be in the scrape.
     */
    public static void assertDocumented(Scrape scrape, Map<String, Documented> docs, Set<String> mayBeAbsent) {
        for (Documented d : docs.values()) {
            String type = scrape.types().get(d.name());
            if (type == null) {
                if (mayBeAbsent.contains(d.name())) {
                    continue;
                }
                throw new AssertionError("documented but not in the scrape: " + d.name());
            }
            if (!type.equals(d.type())) {
                throw new AssertionError(d.name() + " is a " + type + ", documented as a " + d.type());
            }
            for (Sample s : scrape.samples()) {
                if (family(s.name(), scrape.types()).equals(d.name())) {
                    Set<String> labels = new LinkedHashSet<>(s.labels().keySet());
                    labels.remove("quantile");
                    if (!labels.equals(d.labels())) {
                        throw new AssertionError(s.name() + " has labels " + labels + ", documented " + d.labels());
                    }
                }
            }
        }
        for (String family : scrape.types().keySet()) {
            if (!docs.containsKey(family)) {
                throw new AssertionError("in the scrape but not documented: " + family);
            }
        }
    }
}
