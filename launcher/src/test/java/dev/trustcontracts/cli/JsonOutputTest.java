package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -o json} on contract show, contract verify and repo lint: the documented shapes (docs/cli.md), parsed
 * with Jackson, with the same exit codes as the text output; and the usage errors of a mistyped command line.
 */
class JsonOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void contractShowAndVerifyInJson() throws Exception {
        TestZone alice = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        Contract half = alice.sign(TestZone.draft("alice-bob", alice, bob));
        Path file = dir.resolve("alice-bob.yaml");
        Files.write(file, ContractCodec.serialize(half, ContractFormat.YAML));

        Cli show = Cli.run("contract", "show", file.toString(), "-o", "json");
        assertThat(show.exit()).as(show.err()).isZero();
        JsonNode s = JSON.readTree(show.out());
        assertThat(s.get("file").asText()).isEqualTo(file.toString());
        assertThat(s.get("name").asText()).isEqualTo("alice-bob");
        assertThat(s.get("id").asText()).isEqualTo(half.getBody().getId());
        assertThat(s.at("/participants/0/hash").asText()).isEqualTo(Fingerprint.of(alice.root));
        assertThat(s.at("/participants/0/subject").asText()).isEqualTo("O=alice,CN=alice test root");
        assertThat(s.at("/participants/0/signatures/0/signer").asText()).isEqualTo("CN=admin@alice");
        assertThat(s.at("/participants/1/signatures").size()).isZero();
        assertThat(s.at("/participants/1/next").isNull()).isTrue();
        assertThat(s.get("valid").asBoolean()).isFalse();
        assertThat(s.at("/problems/0/rule").asText()).isEqualTo("signature-missing");
        assertThat(s.at("/problems/0/participant").asText()).isEqualTo("bob");

        Cli verify = Cli.run("contract", "verify", file.toString(), "-o", "json");
        assertThat(verify.exit()).isEqualTo(ExitCodes.INVALID);
        JsonNode v = JSON.readTree(verify.out());
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.at("/files/0/file").asText()).isEqualTo(file.toString());
        assertThat(v.at("/files/0/participants").toString()).isEqualTo("[\"alice\",\"bob\"]");
        assertThat(v.at("/files/0/problems/0/text").asText())
                .isEqualTo(file + ": [signature-missing] participant bob: has not signed");

        Files.write(file, ContractCodec.serialize(bob.sign(half), ContractFormat.YAML));
        Cli valid = Cli.run("contract", "verify", file.toString(), "-o", "json");
        assertThat(valid.exit()).as(valid.out()).isZero();
        JsonNode ok = JSON.readTree(valid.out());
        assertThat(ok.get("valid").asBoolean()).isTrue();
        assertThat(ok.at("/files/0/effectiveExpiry").asText()).endsWith("Z");
        assertThat(ok.at("/files/0/problems").size()).isZero();

        Cli bad = Cli.run("contract", "show", file.toString(), "-o", "yaml");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().strip()).isEqualTo("trustctl contract show: -o takes text or json, not 'yaml'");
    }

    @Test
    void repoLintInJson() throws Exception {
        TestZone alice = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("contracts"));
        Files.write(repo.resolve("contracts/alice-bob.yaml"),
                ContractCodec.serialize(TestZone.signed("alice-bob", alice, bob), ContractFormat.YAML));
        Files.writeString(repo.resolve("contracts/notes.txt"), "hello");

        Cli lint = Cli.run("repo", "lint", repo.toString(), "-o", "json", "--warn-within", "400d");
        assertThat(lint.exit()).isEqualTo(ExitCodes.INVALID);
        JsonNode l = JSON.readTree(lint.out());
        assertThat(l.get("directory").asText()).isEqualTo(repo.toString());
        assertThat(l.get("clean").asBoolean()).isFalse();
        assertThat(l.at("/contracts/0/name").asText()).isEqualTo("alice-bob");
        assertThat(l.at("/contracts/0/path").asText()).isEqualTo("contracts/alice-bob.yaml");
        assertThat(l.at("/problems/0/file").asText()).isEqualTo("contracts/notes.txt");
        assertThat(l.at("/problems/0/rule").asText()).isEqualTo("unexpected-file");
        assertThat(l.at("/endingSoon/0/name").asText()).isEqualTo("alice-bob");
        assertThat(l.at("/endingSoon/0/text").asText()).startsWith("contracts/alice-bob.yaml: [ends-soon] alice-bob");

        Files.delete(repo.resolve("contracts/notes.txt"));
        Cli clean = Cli.run("repo", "lint", repo.toString(), "-o", "json");
        assertThat(clean.exit()).as(clean.out()).isZero();
        assertThat(JSON.readTree(clean.out()).get("clean").asBoolean()).isTrue();
        assertThat(JSON.readTree(clean.out()).get("endingSoon").size()).isZero();
    }

    @Test
    void aMistypedCommandLineGetsOneLineAndAHint() {
        Cli option = Cli.run("agent", "--remtoe", "x");
        assertThat(option.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(option.out()).isEmpty();
        assertThat(option.err().lines()).singleElement().asString()
                .isEqualTo("trustctl: unknown option '--remtoe' (did you mean --remote?); see 'trustctl agent --help'");

        Cli command = Cli.run("contract", "verfy", "x.yaml");
        assertThat(command.err().lines()).singleElement().asString()
                .isEqualTo("trustctl: unknown command 'verfy' (did you mean verify?); see 'trustctl contract --help'");

        Cli missing = Cli.run("server", "show");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err().lines()).singleElement().asString()
                .isEqualTo("trustctl: missing required parameter: 'NAME'; see 'trustctl server show --help'");

        Cli badValue = Cli.run("server", "history", "--limit", "many");
        assertThat(badValue.err().lines()).singleElement().asString().startsWith("trustctl: invalid value for option "
                + "'--limit': 'many' is not an int").endsWith("; see 'trustctl server history --help'");
    }
}
