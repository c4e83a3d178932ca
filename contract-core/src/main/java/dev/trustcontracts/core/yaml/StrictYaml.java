package dev.trustcontracts.core.yaml;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * The checks every strictly read YAML input shares (contracts, configuration files), before and around the Jackson
 * parse: UTF-8 only, no aliases, anchors or tags, and a parser's message reduced to its lines of text. Each reader
 * turns a {@link Refusal} into its own exception, naming its own file.
 */
public final class StrictYaml {
    /**
     * Why the input is refused.
     *
     * @param line    1-based, or 0 when unknown
     * @param message one line, without the file's name
     */
    public record Refusal(int line, String message) {
    }

    private StrictYaml() {
    }

    /**
     * The first byte that is not UTF-8, with its line; empty when the content is UTF-8 text. Checked before parsing
     * because the parser reports a bad byte with Java class names and no line (a fuzzing finding, docs/FUZZING.md).
     */
    public static Optional<Refusal> notUtf8(byte[] content) {
        ByteBuffer in = ByteBuffer.wrap(content);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(content.length), true);
        if (!r.isError()) {
            return Optional.empty();
        }
        int at = in.position();
        int line = 1;
        for (int i = 0; i < at; i++) {
            line += content[i] == '\n' ? 1 : 0;
        }
        return Optional.of(new Refusal(line, String.format("not UTF-8 text: byte 0x%02x at offset %d",
                content[at] & 0xff, at)));
    }

    /**
     * The first of YAML's graph and typing features, found in SnakeYAML's event stream (Jackson hides some of them: it
     * drops anchors on scalars and tags on keys). An alias lets one value stand in two places and Jackson reads it
     * back as the anchor's name, an anchor only exists to be aliased, and a tag asks for a type (Jackson decodes
     * {@code !!binary} silently): a value would not be what it reads as. Syntax errors are left to the Jackson parse,
     * which reports them with its own line and message.
     *
     * @param where what the input is, for the message: "YAML aliases (*a) are not allowed in {@code where}"
     */
    public static Optional<Refusal> graphOrType(byte[] content, String where) {
        try {
            // the bare event parser: no constructor, representer or resolver is needed to look at events
            Parser events = new ParserImpl(new StreamReader(
                    new InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.UTF_8)), new LoaderOptions());
            while (!events.checkEvent(Event.ID.StreamEnd)) {
                Event e = events.getEvent();
                int line = e.getStartMark() == null ? 0 : e.getStartMark().getLine() + 1;
                if (e instanceof AliasEvent a) {
                    return Optional.of(new Refusal(line, "YAML aliases (*" + a.getAnchor() + ") are not allowed in "
                            + where));
                }
                if (e instanceof NodeEvent n && n.getAnchor() != null) {
                    return Optional.of(new Refusal(line, "YAML anchors (&" + n.getAnchor() + ") are not allowed in "
                            + where));
                }
                String tag = e instanceof ScalarEvent sc ? sc.getTag()
                        : e instanceof CollectionStartEvent cs ? cs.getTag() : null;
                if (tag != null) {
                    return Optional.of(new Refusal(line, "YAML tags (" + tag + ") are not allowed in " + where));
                }
            }
        } catch (RuntimeException e) {
            // malformed YAML: the Jackson parse reports it
        }
        return Optional.empty();
    }

    /**
     * The lines of a parser's message that say something: its context and problem, without the quoted source line
     * and caret SnakeYAML puts after each {@code in 'reader', line N, column M:} (the line is reported separately),
     * stripped, blank ones dropped. A multi-line message was a fuzzing finding (docs/FUZZING.md).
     */
    public static List<String> messageLines(String s) {
        List<String> parts = new ArrayList<>();
        if (s == null) {
            return parts;
        }
        String[] lines = s.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("in 'reader'") || l.startsWith("at [Source:")) {
                i += l.endsWith(":") ? 2 : 0; // the quoted line and the caret under it
            } else {
                // a parser's message can quote the exception it wraps ("java.io.CharConversionException: ..."): keep the words
                l = l.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)?:? ?", "")
                        .replaceAll("\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:? ?", "").strip();
                if (!l.isEmpty()) {
                    parts.add(l);
                }
            }
        }
        return parts;
    }
}
