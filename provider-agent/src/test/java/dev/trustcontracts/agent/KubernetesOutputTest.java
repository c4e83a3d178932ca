package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.agent.status.AgentHttp;
import dev.trustcontracts.testing.Kubeconfig;
import dev.trustcontracts.testing.PrometheusText;
import dev.trustcontracts.testing.TestZone;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's Kubernetes output through real cycles (alice's PKI on a real port, a real Git repository), written to
 * fabric8's Kubernetes mock API server in CRUD mode on 127.0.0.1 (no real API server can run here), reached through a
 * kubeconfig file as {@code --kubeconfig} would.
 */
class KubernetesOutputTest extends AgentFixture {
    private static final ObjectName SECRET = new ObjectName("trust", "alice-tls");
    private static final ObjectName CONFIG_MAP = new ObjectName("trust", "alice-bundle");
    private static final String SECRET_PATH = "/api/v1/namespaces/trust/secrets/alice-tls";

    /** The mock server logs every request at INFO through java.util.logging: kept, quieter (a strong reference). */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static TestZone bob;
    static TestZone carol;
    static TestZone dave;

    private KubernetesMockServer server;
    /** The cluster as an administrator sees it: to check and to prepare objects, not the agent's client. */
    private KubernetesClient admin;

    @BeforeAll
    static void zones() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        dave = TestZone.create("dave");
    }

    @BeforeEach
    void startApiServer() throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        // CRUD mode, with expectations first (to make it refuse once)
        server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                new KubernetesMixedDispatcher(expectations), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        admin = server.createClient();
    }

    @AfterEach
    void stopApiServer() {
        admin.close();
        server.destroy();
    }

    @Test
    void aCycleWritesTheTlsSecretAMergeUpdatesCaCrtAndNothingChangedWritesNothing() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        try (Agent a = agent(kubeconfig(server.getPort()))) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();

            Secret s = secret();
            assertThat(s.getType()).isEqualTo("kubernetes.io/tls");
            assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "trustctl");
            assertThat(s.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
            // the same bytes as the files the agent verified and wrote
            assertThat(decoded(s, "tls.crt")).isEqualTo(Files.readString(files().cert()));
            assertThat(decoded(s, "tls.key")).isEqualTo(Files.readString(files().key()));
            assertThat(decoded(s, "ca.crt")).isEqualTo(Files.readString(files().chain()));
            // the key in the Secret is the certificate's
            assertThat(KeyMatch.fits(Pem.privateKey(decoded(s, "tls.key")),
                    Pem.certificates(decoded(s, "tls.crt")).get(0))).isTrue();
            assertThat(fingerprints(decoded(s, "ca.crt"))).containsExactly(Fingerprint.of(alice.root()),
                    Fingerprint.of(bob.root));
            ConfigMap cm = admin.configMaps().inNamespace("trust").withName("alice-bundle").get();
            assertThat(cm.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "trustctl");
            assertThat(cm.getData()).containsOnlyKeys("trust-bundle.pem");
            assertThat(cm.getData().get("trust-bundle.pem")).isEqualTo(Files.readString(files().chain()));
            assertThat(a.status().kubernetesWrites()).isEqualTo(2);

            // nothing new: the agent reads both objects, compares, and writes nothing
            String version = s.getMetadata().getResourceVersion();
            drainRequests();
            CycleResult again = a.runOnce();
            assertThat(again.ok()).as(again.toString()).isTrue();
            assertThat(drainRequests()).containsExactly("GET " + SECRET_PATH,
                    "GET /api/v1/namespaces/trust/configmaps/alice-bundle");
            assertThat(secret().getMetadata().getResourceVersion()).isEqualTo(version);
            assertThat(a.status().kubernetesWrites()).isEqualTo(2);

            // a merged contract with carol: ca.crt gains carol's root, in one update of the Secret
            String cert = decoded(s, "tls.crt");
            repo.put(alice.contractWith("alice-carol", carol));
            CycleResult merged = a.runOnce();
            assertThat(merged.ok()).as(merged.toString()).isTrue();
            Secret after = secret();
            assertThat(fingerprints(decoded(after, "ca.crt"))).containsExactlyInAnyOrder(Fingerprint.of(alice.root()),
                    Fingerprint.of(bob.root), Fingerprint.of(carol.root));
            assertThat(decoded(after, "tls.crt")).isEqualTo(cert);
            assertThat(after.getMetadata().getResourceVersion()).isNotEqualTo(version);
            assertThat(drainRequests()).filteredOn(q -> q.startsWith("PUT ")).containsExactly("PUT " + SECRET_PATH,
                    "PUT /api/v1/namespaces/trust/configmaps/alice-bundle");
        }
    }

    @Test
    void preCreatedLabelledObjectsAreUpdatedWithoutCreate() throws Exception {
        // the manifests' mode: the objects exist, labelled and empty; the Role grants no create
        admin.secrets().inNamespace("trust").resource(new SecretBuilder().withNewMetadata().withName("alice-tls")
                .withNamespace("trust").addToLabels("app.kubernetes.io/managed-by", "trustctl").endMetadata()
                .withType("kubernetes.io/tls").addToData("tls.crt", "").addToData("tls.key", "").build()).create();
        repo.put(alice.contractWith("alice-bob", bob));
        drainRequests();
        try (Agent a = agent(new KubernetesOptions(SECRET, null, kubeconfig(server.getPort())))) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
        }
        assertThat(drainRequests()).containsExactly("GET " + SECRET_PATH, "PUT " + SECRET_PATH);
        assertThat(decoded(secret(), "ca.crt")).isEqualTo(Files.readString(files().chain()));
    }

    @Test
    void anExistingSecretNotOursIsRefusedAndLeftUntouched() throws Exception {
        Secret theirs = admin.secrets().inNamespace("trust").resource(new SecretBuilder().withNewMetadata()
                .withName("alice-tls").withNamespace("trust").endMetadata().withType("kubernetes.io/tls")
                .addToData("tls.crt", b64("theirs")).addToData("tls.key", b64("theirs")).build()).create();
        repo.put(alice.contractWith("alice-bob", bob));
        try (Agent a = agent(new KubernetesOptions(SECRET, null, kubeconfig(server.getPort())))) {
            CycleResult r = a.runOnce();
            // the files are written and current; the cycle fails on the Secret alone, with one line
            assertThat(r.synced()).isTrue();
            assertThat(r.failure()).isEqualTo(FailureKind.KUBERNETES);
            assertThat(r.message()).isEqualTo("Secret trust/alice-tls exists without the label "
                    + "app.kubernetes.io/managed-by=trustctl: the agent does not take it over and left it untouched "
                    + "(label it to hand it to the agent, or name another object)");
            assertThat(Files.exists(files().cert())).isTrue();
            assertThat(secret()).isEqualTo(theirs);
            assertThat(a.status().failures(FailureKind.KUBERNETES)).isEqualTo(1);
            assertThat(a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ZERO))
                    .contains("kubernetes: " + r.message());
        }

        // labelled, but another type: not ours either
        admin.secrets().inNamespace("trust").withName("alice-tls").delete();
        Secret opaque = admin.secrets().inNamespace("trust").resource(new SecretBuilder().withNewMetadata()
                .withName("alice-tls").withNamespace("trust").addToLabels("app.kubernetes.io/managed-by", "trustctl")
                .endMetadata().withType("Opaque").addToData("password", b64("hunter2")).build()).create();
        try (Agent a = agent(new KubernetesOptions(SECRET, null, kubeconfig(server.getPort())))) {
            CycleResult r = a.runOnce();
            assertThat(r.failure()).isEqualTo(FailureKind.KUBERNETES);
            assertThat(r.message()).startsWith("Secret trust/alice-tls has type Opaque, not kubernetes.io/tls: "
                    + "the agent does not take it over");
            assertThat(secret()).isEqualTo(opaque);
        }
    }

    @Test
    void aRefusingOrDownApiServerLeavesTheLastSecretAndTheNextCycleRetries() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        try (Agent a = agent(new KubernetesOptions(SECRET, null, kubeconfig(server.getPort())))) {
            assertThat(a.runOnce().ok()).isTrue();
            Secret before = secret();

            // RBAC without update: 403 once
            server.expect().put().withPath(SECRET_PATH).andReturn(403, new StatusBuilder().withCode(403)
                    .withReason("Forbidden").withMessage("secrets \"alice-tls\" is forbidden: User "
                            + "\"system:serviceaccount:trust:trustctl-agent\" cannot update resource \"secrets\"")
                    .build()).once();
            repo.put(alice.contractWith("alice-carol", carol));
            CycleResult refused = logged(a::runOnce);
            assertThat(refused.failure()).isEqualTo(FailureKind.KUBERNETES);
            assertThat(refused.message()).isEqualTo("the API server refused to update Secret trust/alice-tls (403 "
                    + "Forbidden: secrets \"alice-tls\" is forbidden: User \"system:serviceaccount:trust:trustctl-agent\" "
                    + "cannot update resource \"secrets\"); it keeps its last content, retried next cycle");
            assertThat(secret()).isEqualTo(before);
            assertThat(fingerprints(Files.readString(files().chain()))).hasSize(3); // the files moved on
            assertThat(a.status().kubernetesProblem()).isEqualTo(refused.message());
            // what an operator's alerting sees, held to the documented table
            try (AgentHttp http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), a.status(), Duration.ofHours(1),
                    Duration.ZERO, clock)) {
                String base = "http://127.0.0.1:" + http.address().getPort();
                PrometheusText.Scrape scrape = PrometheusText.parse(AgentLoopTest.get(base + "/metrics").body());
                PrometheusText.assertDocumented(scrape, PrometheusText.documented(
                        PrometheusText.doc("provider-agent.md"), "Health and metrics"), Set.of());
                assertThat(scrape.value("trustctl_agent_kubernetes_failing", Map.of())).isEqualTo(1);
                assertThat(scrape.value("trustctl_agent_kubernetes_writes_total", Map.of())).isEqualTo(1);
                assertThat(scrape.value("trustctl_agent_failures_total", Map.of("kind", "kubernetes"))).isEqualTo(1);
                HttpResponse<String> health = AgentLoopTest.get(base + "/healthz");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("kubernetes: the API server refused to update Secret trust/alice-tls "
                        + "(403 Forbidden");
            }

            // the next cycle retries, with nothing new in the repository
            CycleResult retried = a.runOnce();
            assertThat(retried.ok()).as(retried.toString()).isTrue();
            assertThat(decoded(secret(), "ca.crt")).isEqualTo(Files.readString(files().chain()));
            assertThat(a.status().kubernetesProblem()).isNull();

            // someone edits the Secret, and the agent's write then races another writer (409 once): it reads again,
            // compares and writes its content back, all in one cycle
            admin.secrets().inNamespace("trust").withName("alice-tls")
                    .edit(x -> new SecretBuilder(x).addToData("tls.crt", b64("edited")).build());
            server.expect().put().withPath(SECRET_PATH).andReturn(409, new StatusBuilder().withCode(409)
                    .withReason("Conflict").withMessage("the object has been modified").build()).once();
            drainRequests();
            CycleResult raced = a.runOnce();
            assertThat(raced.ok()).as(raced.toString()).isTrue();
            assertThat(drainRequests()).containsExactly("GET " + SECRET_PATH, "PUT " + SECRET_PATH,
                    "GET " + SECRET_PATH, "PUT " + SECRET_PATH);
            assertThat(decoded(secret(), "tls.crt")).isEqualTo(Files.readString(files().cert()));
        }

        // the API server down (nothing listens on the kubeconfig's port): the Secret stays as it was
        Secret last = secret();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        repo.put(alice.contractWith("alice-dave", dave));
        try (Agent a = agent(new KubernetesOptions(SECRET, null, kubeconfig(closed)))) {
            CycleResult down = logged(a::runOnce);
            assertThat(down.synced()).isTrue();
            assertThat(down.failure()).isEqualTo(FailureKind.KUBERNETES);
            assertThat(down.message()).isEqualTo("cannot reach the API server http://127.0.0.1:" + closed
                    + "/ to read Secret trust/alice-tls: connection refused; it keeps its last content, retried next "
                    + "cycle");
            assertThat(fingerprints(Files.readString(files().chain()))).hasSize(4);
            assertThat(a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ZERO))
                    .contains("kubernetes: " + down.message());
        }
        assertThat(secret()).isEqualTo(last);
    }

    private interface Cycle {
        CycleResult run() throws Exception;
    }

    /**
     * Runs a cycle with the log (slf4j-simple writes to System.err) captured, and holds it: the failure is logged in
     * one line, and neither the key's PEM nor its base64 (as the Secret carries it) ever reaches the log.
     */
    private CycleResult logged(Cycle c) throws Exception {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        CycleResult r;
        try (java.io.PrintStream p = new java.io.PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(p);
            r = c.run();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        err.print(log);
        String key = Files.readString(files().key());
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(log).contains("kubernetes: " + r.message()).doesNotContain("PRIVATE KEY").doesNotContain(keyBody)
                .doesNotContain(b64(key).substring(0, 40)).doesNotContain("\tat ");
        return r;
    }

    private Agent agent(Path kubeconfig) throws Exception {
        return agent(new KubernetesOptions(SECRET, CONFIG_MAP, kubeconfig));
    }

    private Agent agent(KubernetesOptions k) throws Exception {
        return new Agent(config().interval(Duration.ofSeconds(1)).clock(clock).networkTimeout(Duration.ofSeconds(5))
                .kubernetes(k).build());
    }

    /** A kubeconfig for the mock API server on 127.0.0.1:port, as an operator outside a cluster writes one. */
    private Path kubeconfig(int port) throws Exception {
        return Kubeconfig.write(tmp.resolve("kubeconfig-" + port), port, "trust");
    }

    private Secret secret() {
        return admin.secrets().inNamespace("trust").withName("alice-tls").get();
    }

    private static String decoded(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> fingerprints(String pem) {
        return Pem.certificates(pem).stream().map(Fingerprint::of).toList();
    }

    /** The requests the mock server received since the last call, as "METHOD PATH" (query left off). */
    private List<String> drainRequests() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            int q = path.indexOf('?');
            out.add(r.getMethod() + " " + (q < 0 ? path : path.substring(0, q)));
        }
        return out;
    }
}
