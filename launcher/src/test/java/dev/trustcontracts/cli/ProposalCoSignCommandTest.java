package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The co-sign command the proposal page shows ({@code summary[].coSign[].argv} of {@code GET
 * /api/proposals/{branch}}) is trustctl's own: parsed by trustctl's picocli spec, then run as shown in a C git
 * checkout of the branch with the participant's key and certificate under the names it gives, pushed back,
 * and the proposal becomes mergeable. If the CLI's syntax changes, this fails.
 */
class ProposalCoSignCommandTest {
    private static final String PASSWORD = "a password for the test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theShownCommandIsTrustctlsOwnAndCompletesTheProposal() throws Exception {
        assumeTrue(CGit.available(), "C git is needed");
        TestZone alice = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        RepoServerConfig config = RepoServerConfig.ephemeral(dir.resolve("server"));
        new UserStore(config.usersFile()).put("admin", PASSWORD.toCharArray(), new PasswordHasher(2_000), Set.of(), true);
        try (RepoServer server = RepoServer.start(config)) {
            Path work = dir.resolve("work");
            String url = server.gitUrl().replaceFirst("^http://", "http://admin:" + PASSWORD.replace(" ", "%20") + "@");
            git(dir, "clone", "-q", url, work.toString());
            if (CGit.run(work, "rev-parse", "--verify", "-q", "HEAD").exit() != 0) {
                git(work, "checkout", "-q", "-b", "main");
            }
            git(work, "checkout", "-q", "-b", "proposals/alice-bob");
            Files.createDirectories(work.resolve("contracts"));
            Files.writeString(work.resolve("contracts/alice-bob.yaml"),
                    ContractCodec.toYaml(alice.sign(TestZone.draft("alice-bob", alice, bob))));
            git(work, "add", "contracts/alice-bob.yaml");
            git(work, "commit", "-q", "-m", "propose alice-bob, signed by alice");
            git(work, "push", "-q", "origin", "HEAD:refs/heads/proposals/alice-bob");

            JsonNode view = get(server.httpUrl() + "/api/proposals/proposals/alice-bob");
            JsonNode coSign = view.get("summary").get(0).get("coSign");
            assertThat(coSign).hasSize(1);
            assertThat(coSign.get(0).get("participant").asText()).isEqualTo("bob");
            List<String> argv = new ArrayList<>();
            coSign.get(0).get("argv").forEach(a -> argv.add(a.asText()));
            assertThat(String.join(" ", argv)).isEqualTo(coSign.get(0).get("command").asText());
            assertThat(argv.get(0)).isEqualTo("trustctl");
            List<String> args = argv.subList(1, argv.size());

            // trustctl's own spec reads it as `contract sign FILE --key K --cert C`
            CommandLine.ParseResult parsed = Trustctl.commandLine(Clock.systemUTC()).parseArgs(args.toArray(String[]::new));
            CommandLine.ParseResult sign = parsed.subcommand().subcommand();
            assertThat(sign.commandSpec().name()).isEqualTo("sign");
            assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("contract");
            assertThat(sign.matchedPositionals()).hasSize(1);
            String key = sign.matchedOptionValue("--key", (Path) null).toString();
            String cert = sign.matchedOptionValue("--cert", (Path) null).toString();
            assertThat(key).isEqualTo("bob-admin-key.pem");
            assertThat(cert).isEqualTo("bob-admin.pem");

            // bob has his signer's key and certificate under those names, in the checkout, and runs it there
            Files.writeString(work.resolve(key), Pem.encode(bob.signerKeys.getPrivate()));
            Files.writeString(work.resolve(cert), Pem.encode(bob.signer));
            String[] inCheckout = args.stream()
                    .map(a -> a.startsWith("-") || !a.contains(".") ? a : work.resolve(a).toString())
                    .toArray(String[]::new);
            Cli ran = Cli.run(inCheckout);
            assertThat(ran.exit()).as(ran.err()).isZero();
            assertThat(ran.out()).contains("as participant bob (2 of 2 participants have signed)");
            git(work, "commit", "-q", "-am", "sign alice-bob for bob");
            git(work, "push", "-q", "origin", "HEAD:refs/heads/proposals/alice-bob");

            JsonNode after = get(server.httpUrl() + "/api/proposals/proposals/alice-bob");
            assertThat(after.get("mergeable").asBoolean()).as(after.toString()).isTrue();
            assertThat(after.get("summary").get(0).get("coSign")).isEmpty();
            HttpResponse<String> merged = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl()
                            + "/api/proposals/proposals/alice-bob/merge?head=" + after.get("commit").asText()))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void git(Path work, String... args) throws Exception {
        CGit.Run r = CGit.run(work, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.out()).isZero();
    }
}
