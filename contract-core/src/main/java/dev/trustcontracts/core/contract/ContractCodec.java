package dev.trustcontracts.core.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.trustcontracts.core.yaml.StrictYaml;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strict reading and writing of contract files. YAML is the contract's human form: the body's fields at
 * the top level, then {@code signatures}. Field names are the proto names; timestamps are RFC 3339;
 * signature values are base64. Unknown fields, wrong types, duplicate keys, empty values and trailing
 * documents are errors naming the line and the field. The binary form is the {@link Contract} message;
 * unknown fields are errors there too, so that what is verified is exactly what was read.
 */
public final class ContractCodec {
    private static final String SIGNATURES = "signatures";
    private static final Descriptor BODY = ContractBody.getDescriptor();
    private static final FieldDescriptor SIGNATURES_FIELD = Contract.getDescriptor().findFieldByName(SIGNATURES);

    private static final YAMLFactory READ = YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build();
    private static final YAMLFactory WRITE = YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private ContractCodec() {
    }

    public static Contract parse(byte[] content, ContractFormat format) throws ContractFormatException {
        return format == ContractFormat.YAML ? parseYaml(content) : parseProtobuf(content);
    }

    public static byte[] serialize(Contract contract, ContractFormat format) {
        return format == ContractFormat.YAML
                ? toYaml(contract).getBytes(StandardCharsets.UTF_8)
                : deterministicBytes(contract);
    }

    /** The deterministic protobuf encoding of a message: the bytes signatures cover, and the .pb form. */
    public static byte[] deterministicBytes(Message m) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(m.getSerializedSize());
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            out.useDeterministicSerialization();
            m.writeTo(out);
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- binary ----

    static Contract parseProtobuf(byte[] content) throws ContractFormatException {
        Contract c;
        try {
            c = Contract.parseFrom(content);
        } catch (InvalidProtocolBufferException e) {
            throw new ContractFormatException("not a valid protobuf Contract: " + e.getMessage(), 0, "");
        }
        String unknown = unknownFieldPath(c, "");
        if (unknown != null) {
            throw new ContractFormatException("unknown field in protobuf form", 0, unknown);
        }
        return c;
    }

    private static String unknownFieldPath(Message m, String path) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            return path.isEmpty() ? "(top level)" : path;
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
            if (f.isRepeated()) {
                int i = 0;
                for (Object o : (Iterable<?>) e.getValue()) {
                    String r = unknownFieldPath((Message) o, p + "[" + i++ + "]");
                    if (r != null) {
                        return r;
                    }
                }
            } else {
                String r = unknownFieldPath((Message) e.getValue(), p);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    // ---- YAML in ----

    static Contract parseYaml(byte[] content) throws ContractFormatException {
        requireUtf8(content);
        refuseGraphAndTypes(content);
        try (JsonParser p = READ.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw error(p, "the document must be a mapping of contract fields", "");
            }
            ContractBody.Builder body = ContractBody.newBuilder();
            Contract.Builder contract = Contract.newBuilder();
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    throw error(p, "duplicate key '" + name + "'", name);
                }
                p.nextToken();
                if (SIGNATURES.equals(name)) {
                    readField(p, contract, SIGNATURES_FIELD, name);
                } else {
                    FieldDescriptor f = BODY.findFieldByName(name);
                    if (f == null) {
                        throw error(p, "unknown field '" + name + "'", name);
                    }
                    readField(p, body, f, name);
                }
            }
            if (p.nextToken() != null) {
                throw error(p, "only one YAML document is allowed per contract file", "");
            }
            return contract.setBody(body).build();
        } catch (StreamReadException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ContractFormatException("malformed YAML: " + oneLine(e.getOriginalMessage()), line, "");
        } catch (IOException e) {
            throw new ContractFormatException("malformed YAML: " + oneLine(e.getMessage()), 0, "");
        } catch (RuntimeException e) {
            // SnakeYAML reports some syntax errors (bad indentation, tabs, alias limits) as runtime exceptions.
            throw new ContractFormatException("malformed YAML: " + oneLine(e.getMessage()), 0, "");
        }
    }

    /** YAML contracts are UTF-8 text (see {@link StrictYaml#notUtf8}). */
    private static void requireUtf8(byte[] content) throws ContractFormatException {
        Optional<StrictYaml.Refusal> r = StrictYaml.notUtf8(content);
        if (r.isPresent()) {
            throw new ContractFormatException(r.get().message(), r.get().line(), "");
        }
    }

    /** A contract is a plain tree of strings: no aliases, anchors or tags (see {@link StrictYaml#graphOrType}). */
    private static void refuseGraphAndTypes(byte[] content) throws ContractFormatException {
        Optional<StrictYaml.Refusal> r = StrictYaml.graphOrType(content, "a contract");
        if (r.isPresent()) {
            throw new ContractFormatException(r.get().message(), r.get().line(), "");
        }
    }

    private static void readMessage(JsonParser p, Message.Builder b, String path)
            throws IOException, ContractFormatException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(p, "expected a mapping", path);
        }
        Set<String> seen = new HashSet<>();
        Descriptor d = b.getDescriptorForType();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String fieldPath = path + "." + name;
            if (!seen.add(name)) {
                throw error(p, "duplicate key '" + name + "'", fieldPath);
            }
            FieldDescriptor f = d.findFieldByName(name);
            p.nextToken();
            if (f == null) {
                throw error(p, "unknown field '" + name + "'", fieldPath);
            }
            readField(p, b, f, fieldPath);
        }
    }

    private static void readField(JsonParser p, Message.Builder b, FieldDescriptor f, String path)
            throws IOException, ContractFormatException {
        if (!f.isRepeated()) {
            b.setField(f, readValue(p, b, f, path));
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error(p, "expected a list", path);
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            b.addRepeatedField(f, readValue(p, b, f, path + "[" + i++ + "]"));
        }
    }

    private static Object readValue(JsonParser p, Message.Builder parent, FieldDescriptor f, String path)
            throws IOException, ContractFormatException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            throw error(p, "empty value", path);
        }
        switch (f.getJavaType()) {
            case STRING -> {
                return string(p, path);
            }
            case BYTE_STRING -> {
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(string(p, path)));
                } catch (IllegalArgumentException e) {
                    throw error(p, "not valid base64: " + e.getMessage(), path);
                }
            }
            case MESSAGE -> {
                if (f.getMessageType().equals(Timestamp.getDescriptor())) {
                    String s = string(p, path);
                    try {
                        return Timestamps.parse(s);
                    } catch (ParseException e) {
                        throw error(p, "not an RFC 3339 timestamp: '" + s + "'", path);
                    }
                }
                Message.Builder child = parent.newBuilderForField(f);
                readMessage(p, child, path);
                return child.build();
            }
            default -> throw error(p, "field type " + f.getJavaType() + " is not part of the contract schema", path);
        }
    }

    private static String string(JsonParser p, String path) throws IOException, ContractFormatException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw error(p, "expected a string, found " + describe(p.currentToken()), path);
        }
        String s = p.getText();
        if (s.isEmpty()) {
            throw error(p, "empty value", path);
        }
        return s;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> t.toString();
        };
    }

    private static ContractFormatException error(JsonParser p, String message, String path) {
        int line = p.currentTokenLocation().getLineNr();
        return new ContractFormatException(message, Math.max(line, 0), path);
    }

    /** SnakeYAML's message on one line (see {@link StrictYaml#messageLines}). */
    private static String oneLine(String s) {
        List<String> parts = StrictYaml.messageLines(s);
        return parts.isEmpty() ? "unreadable" : String.join("; ", parts);
    }

    // ---- YAML out ----

    /** The YAML form: body fields first in schema order, then signatures; certificates as literal blocks. */
    public static String toYaml(Contract contract) {
        StringWriter out = new StringWriter();
        try (YAMLGenerator g = (YAMLGenerator) WRITE.createGenerator(out)) {
            g.writeStartObject();
            writeFields(g, contract.getBody());
            if (contract.getSignaturesCount() > 0) {
                g.writeFieldName(SIGNATURES);
                g.writeStartArray();
                for (Message s : contract.getSignaturesList()) {
                    writeMessage(g, s);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeMessage(YAMLGenerator g, Message m) throws IOException {
        g.writeStartObject();
        writeFields(g, m);
        g.writeEndObject();
    }

    private static void writeFields(YAMLGenerator g, Message m) throws IOException {
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            boolean present = f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
            if (!present) {
                continue;
            }
            g.writeFieldName(f.getName());
            if (f.isRepeated()) {
                g.writeStartArray();
                for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
                    writeValue(g, f, m.getRepeatedField(f, i));
                }
                g.writeEndArray();
            } else {
                writeValue(g, f, m.getField(f));
            }
        }
    }

    private static void writeValue(YAMLGenerator g, FieldDescriptor f, Object v) throws IOException {
        if (v instanceof ByteString bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes.toByteArray()));
        } else if (v instanceof Timestamp ts) {
            g.writeString(Timestamps.toString(ts));
        } else if (v instanceof Message m) {
            writeMessage(g, m);
        } else {
            g.writeString(v.toString());
        }
    }
}
