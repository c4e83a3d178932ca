package dev.trustcontracts.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trustcontracts.core.yaml.StrictYaml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a configuration file's YAML into its keys, strictly: one document, a mapping at the top, each key once,
 * values that are scalars or lists of scalars. Which keys exist and what their values mean is not known here
 * ({@link ConfigDefaults} checks them against the command); every error here names the file and the line.
 */
final class ConfigYaml {
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();
    /** A Java exception's class name inside a parser's message: dropped, never shown to operators. */
    private static final Pattern EXCEPTION_NAME =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b:?\\s*");
    /** Any other Java object a parser's message shows (SnakeYAML prints its events): said in words. */
    private static final Pattern OBJECT = Pattern.compile("<?\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*(?:\\([^)]*\\))?>?");

    private ConfigYaml() {
    }

    /** The entries of {@code content}, read from the file {@code where} names (used in messages only). */
    static List<ConfigEntry> read(String where, byte[] content) {
        requireUtf8(where, content);
        refuseGraphAndTypes(where, content);
        try (JsonParser p = YAML.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return List.of(); // empty, or comments only
            }
            if (t != JsonToken.START_OBJECT) {
                throw at(where, p, "the document must be a mapping of option names to values, e.g. 'interval: 30s'");
            }
            List<ConfigEntry> entries = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                Integer first = seen.putIfAbsent(key, line);
                if (first != null) {
                    throw at(where, line, "duplicate key '" + key + "' (first on line " + first + ")");
                }
                entries.add(value(where, p, key, line));
            }
            if (p.nextToken() != null) {
                throw at(where, p, "only one YAML document is allowed in a configuration file");
            }
            return entries;
        } catch (StreamReadException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw at(where, line, "malformed YAML: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw at(where, 0, "malformed YAML: " + oneLine(e.getMessage()));
        } catch (ConfigError e) {
            throw e;
        } catch (RuntimeException e) {
            // SnakeYAML reports some syntax errors (bad indentation, tabs) as runtime exceptions
            throw at(where, 0, "malformed YAML: " + oneLine(e.getMessage()));
        }
    }

    private static ConfigEntry value(String where, JsonParser p, String key, int line) throws IOException {
        JsonToken t = p.nextToken();
        switch (t) {
            case START_OBJECT -> {
                p.skipChildren();
                return new ConfigEntry(key, line, ConfigEntry.Kind.MAPPING, List.of());
            }
            case START_ARRAY -> {
                List<String> values = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
                        throw at(where, p, "key '" + key + "' takes a list of plain values");
                    }
                    values.add(p.getText());
                }
                return new ConfigEntry(key, line, ConfigEntry.Kind.LIST, values);
            }
            case VALUE_NULL -> {
                return new ConfigEntry(key, line, ConfigEntry.Kind.EMPTY, List.of());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new ConfigEntry(key, line, ConfigEntry.Kind.BOOLEAN, List.of(p.getText()));
            }
            default -> {
                String text = p.getText();
                // 'key:' with nothing after it is an empty string to this parser: a value forgotten, not given
                return text.isEmpty() ? new ConfigEntry(key, line, ConfigEntry.Kind.EMPTY, List.of())
                        : new ConfigEntry(key, line, ConfigEntry.Kind.SCALAR, List.of(text));
            }
        }
    }

    /** Configuration files are UTF-8 text (see {@link StrictYaml#notUtf8}). */
    private static void requireUtf8(String where, byte[] content) {
        StrictYaml.notUtf8(content).ifPresent(r -> {
            throw at(where, r.line(), r.message());
        });
    }

    /** A configuration is a plain mapping of texts: no aliases, anchors or tags (see {@link StrictYaml#graphOrType}). */
    private static void refuseGraphAndTypes(String where, byte[] content) {
        StrictYaml.graphOrType(content, "a configuration file").ifPresent(r -> {
            throw at(where, r.line(), r.message());
        });
    }

    private static ConfigError at(String where, JsonParser p, String message) {
        return at(where, p.currentTokenLocation().getLineNr(), message);
    }

    private static ConfigError at(String where, int line, String message) {
        return new ConfigError(where + (line > 0 ? " line " + line : "") + ": " + message);
    }

    /** A parser's message on one line (see {@link StrictYaml#messageLines}), without class names. */
    static String oneLine(String s) {
        List<String> parts = new ArrayList<>();
        for (String l : StrictYaml.messageLines(s)) {
            parts.add(OBJECT.matcher(EXCEPTION_NAME.matcher(l).replaceAll("")).replaceAll("something else"));
        }
        String joined = String.join("; ", parts).strip();
        return joined.isEmpty() ? "unreadable" : joined;
    }
}
