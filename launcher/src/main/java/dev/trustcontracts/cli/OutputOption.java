package dev.trustcontracts.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustcontracts.core.contract.Problem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code -o text|json} on the commands that show something. The JSON shapes are documented in docs/cli.md and
 * only grow: fields are added, never renamed or removed.
 */
final class OutputOption {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json (the shape is in docs/cli.md).")
    String format;

    boolean json() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError("-o takes text or json, not '" + format + "'", ExitCodes.USAGE);
        }
        return format.equals("json");
    }

    static void print(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialise", e);
        }
    }

}
