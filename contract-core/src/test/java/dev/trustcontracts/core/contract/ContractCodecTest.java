package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContractCodecTest {
    static Contract signed;

    @BeforeAll
    static void contract() {
        signed = TestZone.signed("alice-bob", TestZone.create("alice"), TestZone.create("bob"));
    }

    static Contract yaml(String text) throws ContractFormatException {
        return ContractCodec.parse(text.getBytes(StandardCharsets.UTF_8), ContractFormat.YAML);
    }

    @Test
    void yamlRoundTripIsExact() throws Exception {
        String text = ContractCodec.toYaml(signed);
        assertThat(yaml(text)).isEqualTo(signed);
        assertThat(ContractCodec.toYaml(yaml(text))).isEqualTo(text);
        assertThat(text).startsWith("name: alice-bob\n").contains("certificate: |\n      -----BEGIN CERTIFICATE-----");
    }

    @Test
    void protobufRoundTripIsExactAndDeterministic() throws Exception {
        byte[] pb = ContractCodec.serialize(signed, ContractFormat.PROTOBUF);
        assertThat(ContractCodec.parse(pb, ContractFormat.PROTOBUF)).isEqualTo(signed);
        assertThat(ContractCodec.serialize(ContractCodec.parse(pb, ContractFormat.PROTOBUF), ContractFormat.PROTOBUF))
                .isEqualTo(pb);
        Contract fromYaml = yaml(ContractCodec.toYaml(signed));
        assertThat(ContractCodec.serialize(fromYaml, ContractFormat.PROTOBUF)).isEqualTo(pb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234", "no", "yes", "true", "null", "on", "1e5", "0x12", "~"})
    void scalarsThatLookLikeOtherTypesSurviveARoundTrip(String value) throws Exception {
        Contract c = signed.toBuilder().setBody(signed.getBody().toBuilder().setId(value)
                .setParticipants(0, signed.getBody().getParticipants(0).toBuilder().setTrustDomain(value))).build();
        assertThat(yaml(ContractCodec.toYaml(c))).isEqualTo(c);
    }

    @Test
    void unknownFieldNamesLineAndField() {
        String text = ContractCodec.toYaml(signed).replace("not_before:", "valid_from:");
        assertThatThrownBy(() -> yaml(text)).isInstanceOfSatisfying(ContractFormatException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("unknown field 'valid_from'");
            assertThat(e.field()).isEqualTo("valid_from");
            assertThat(e.line()).isEqualTo(lineOf(text, "valid_from:"));
        });
    }

    @Test
    void unknownNestedFieldNamesThePath() {
        String text = ContractCodec.toYaml(signed).replaceFirst("    hash:", "    fingerprint:");
        assertThatThrownBy(() -> yaml(text)).isInstanceOfSatisfying(ContractFormatException.class, e -> {
            assertThat(e.field()).isEqualTo("participants[0].fingerprint");
            assertThat(e.line()).isEqualTo(lineOf(text, "fingerprint:"));
        });
    }

    @Test
    void duplicateKeyIsAnError() {
        String text = "name: a\nname: b\n";
        assertThatThrownBy(() -> yaml(text)).isInstanceOfSatisfying(ContractFormatException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("duplicate key 'name'");
            assertThat(e.line()).isEqualTo(2);
        });
    }

    @Test
    void wrongTypesAreErrors() {
        assertThatThrownBy(() -> yaml("name: 42\n")).hasMessage("expected a string, found a number");
        assertThatThrownBy(() -> yaml("name: [a]\n")).hasMessage("expected a string, found a list");
        assertThatThrownBy(() -> yaml("participants: alice\n")).hasMessage("expected a list");
        assertThatThrownBy(() -> yaml("participants:\n  - alice\n")).hasMessage("expected a mapping");
        assertThatThrownBy(() -> yaml("not_before: yesterday\n")).hasMessageContaining("not an RFC 3339 timestamp");
        assertThatThrownBy(() -> yaml("signatures:\n  - value: '***'\n")).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> yaml("name:\n")).hasMessage("empty value");
    }

    @Test
    void malformedYamlIsReportedWithoutJavaTypeNames() {
        java.util.regex.Pattern typeName = java.util.regex.Pattern.compile("java\\.|javax\\.|[A-Z]\\w+Exception|com\\.fasterxml|org\\.yaml");
        List<byte[]> inputs = List.of(
                new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xe2, (byte) 0x28, (byte) 0xa1, '\n'},
                new byte[] {(byte) 0xfe, (byte) 0xff, 0, 'n'},
                "name: \"\\ud800\"\n".getBytes(StandardCharsets.UTF_8),
                ("name: " + "[".repeat(2_000)).getBytes(StandardCharsets.UTF_8),
                "name: a\n\tid: b\n".getBytes(StandardCharsets.UTF_8),
                "? [a]\n: b\n".getBytes(StandardCharsets.UTF_8),
                "name: !!binary AAAA\n".getBytes(StandardCharsets.UTF_8),
                "%YAML 9.9\n---\nname: a\n".getBytes(StandardCharsets.UTF_8));
        int refused = 0;
        for (byte[] in : inputs) {
            try {
                ContractCodec.parse(in, ContractFormat.YAML); // some are well-formed YAML: the rules judge them later
            } catch (ContractFormatException e) {
                refused++;
                assertThat(e.getMessage()).doesNotContainPattern(typeName).doesNotContain("\n");
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(5);
    }

    @Test
    void structureErrors() {
        assertThatThrownBy(() -> yaml("- a\n- b\n")).hasMessage("the document must be a mapping of contract fields");
        assertThatThrownBy(() -> yaml("name: a\n---\nname: b\n")).hasMessageContaining("only one YAML document");
        assertThatThrownBy(() -> yaml("name: \"unclosed\n")).hasMessageStartingWith("malformed YAML");
        assertThatThrownBy(() -> yaml("name: a\n\tid: b\n")).hasMessageStartingWith("malformed YAML");
        assertThatThrownBy(() -> yaml("")).isInstanceOf(ContractFormatException.class);
        assertThatThrownBy(() -> yaml("a: &x [1]\nb: *x\n")).isInstanceOf(ContractFormatException.class);
    }

    @Test
    void aliasesAnchorsAndTagsAreRefusedWithTheirLine() throws Exception {
        String text = ContractCodec.toYaml(signed);
        // an anchor on a value that is otherwise fine
        String anchored = text.replaceFirst("(?m)^id: ", "id: &i ");
        assertThatThrownBy(() -> yaml(anchored)).isInstanceOfSatisfying(ContractFormatException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("YAML anchors (&i) are not allowed in a contract");
            assertThat(e.line()).isEqualTo(lineOf(text, "id: "));
        });
        // an alias where a string belongs: Jackson would read the anchor's name as the value
        String aliased = "name: &n alice-bob\nid: *n\n";
        assertThatThrownBy(() -> yaml(aliased)).isInstanceOf(ContractFormatException.class)
                .hasMessageContaining("are not allowed in a contract");
        assertThatThrownBy(() -> yaml("id: *n\n")).isInstanceOfSatisfying(ContractFormatException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("YAML aliases (*n) are not allowed in a contract");
            assertThat(e.line()).isEqualTo(1);
        });
        // tags, explicit or on a collection, and on keys
        assertThatThrownBy(() -> yaml("name: !!str alice-bob\n")).hasMessageStartingWith("YAML tags (");
        assertThatThrownBy(() -> yaml("name: alice-bob\nparticipants: !list\n  - name: a\n"))
                .isInstanceOfSatisfying(ContractFormatException.class, e -> {
                    assertThat(e.getMessage()).startsWith("YAML tags (");
                    assertThat(e.line()).isEqualTo(2);
                });
        assertThatThrownBy(() -> yaml("!t name: alice-bob\n")).hasMessageStartingWith("YAML tags (");
        assertThatThrownBy(() -> yaml("&k name: alice-bob\n")).hasMessageStartingWith("YAML anchors (");
        // the ordinary file still reads
        assertThat(yaml(text)).isEqualTo(signed);
    }

    @Test
    void protobufUnknownFieldsAreErrors() {
        Participant p = signed.getBody().getParticipants(0).toBuilder()
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build();
        byte[] pb = signed.toBuilder().setBody(signed.getBody().toBuilder().setParticipants(0, p)).build().toByteArray();
        assertThatThrownBy(() -> ContractCodec.parse(pb, ContractFormat.PROTOBUF))
                .isInstanceOfSatisfying(ContractFormatException.class,
                        e -> assertThat(e.field()).isEqualTo("body.participants[0]"));
        assertThatThrownBy(() -> ContractCodec.parse(new byte[] {(byte) 0xff, 1, 2}, ContractFormat.PROTOBUF))
                .hasMessageStartingWith("not a valid protobuf Contract");
    }

    @Test
    void formatComesFromTheExtension() {
        assertThat(ContractFormat.forFileName("a.yml")).contains(ContractFormat.YAML);
        // lower case only: contracts/x.YAML is not a contract anywhere (it would land, but never be revocable)
        assertThat(ContractFormat.forFileName("a.YAML")).isEmpty();
        assertThat(ContractFormat.forFileName("a.Yml")).isEmpty();
        assertThat(ContractFormat.forFileName("a.PB")).isEmpty();
        assertThat(dev.trustcontracts.core.tree.RepositoryLayout.isContractPath("contracts/x.YAML")).isFalse();
        assertThat(dev.trustcontracts.core.tree.RepositoryLayout.isContractPath("contracts/x.yaml")).isTrue();
        assertThat(ContractFormat.forFileName("a.pb")).contains(ContractFormat.PROTOBUF);
        assertThat(ContractFormat.forFileName("a.json")).isEmpty();
        assertThat(ContractFormat.baseName("contracts/alice-bob.yaml")).isEqualTo("alice-bob");
        assertThat(List.of(ContractFormat.baseName("x.txt"))).containsExactly("x.txt");
    }

    static int lineOf(String text, String needle) {
        String before = text.substring(0, text.indexOf(needle));
        return (int) before.chars().filter(ch -> ch == '\n').count() + 1;
    }
}
