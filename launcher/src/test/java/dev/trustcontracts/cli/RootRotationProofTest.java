package dev.trustcontracts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.cli.demo.HandshakeLoop;
import dev.trustcontracts.cli.demo.MtlsService;
import dev.trustcontracts.cli.demo.NginxMtlsConfig;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.pki.CaInit;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.reposerver.auth.PasswordHasher;
import dev.trustcontracts.reposerver.auth.UserStore;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of issue 12: an mTLS client loop from alice to bob keeps running, at least ten new connections (full
 * TLS 1.3 handshakes, both sides checking the other's chain) a second, through a whole rotation of alice's root and
 * a renewal of the contract, with zero failed handshakes; at the end alice's old root is in no bundle anywhere.
 *
 * <p>Everything is real and on 127.0.0.1: a repo-server (Git over HTTP, its JSON API and gRPC watch stream), for
 * each zone a PKI serving its CA directory over TLS ({@code pki rotate} works on that directory while it serves)
 * and a provider agent (notified by the watch stream, pinned to its zone's first root); bob's HTTPS service
 * presents bob's agent's certificate and trusts bob's agent's chain.pem, re-read when it changes; alice's client
 * uses alice's agent's files the same way. The operators' steps are trustctl commands ({@code pki rotate},
 * {@code contract rotate|renew|sign}) in C git clones, proposals pushed and merged through the API.
 *
 * <p>Each phase waits for what can be observed (an agent applied main's commit, a file holds or lacks a root, the
 * client presented a certificate of the new root), bounded, never a fixed sleep. Alice's agent runs on a clock the
 * test moves forward where a real zone would wait: ten minutes for the agent's next GetCA, sixteen hours for its
 * certificate's renewal at two thirds of its lifetime; the PKI, bob, the TLS stacks and the contracts keep real
 * time, and the jump is undone once the agent acted, so that the certificates it gets stay valid in real time.
 */
class RootRotationProofTest {
    private static final String PASSWORD = "a password for the test";
    private static final String CONTRACT = "alice-bob";
    private static final Duration STEP = Duration.ofSeconds(45);
    /** A little more than the agent's GetCA interval (CertificateKeeper.CHECK_EVERY, 10 minutes). */
    private static final Duration NEXT_GETCA = Duration.ofMinutes(11);
    /** Past two thirds of the PKI's default 24 h lifetime, with margin: the agent renews. */
    private static final Duration RENEWAL_DUE = Duration.ofHours(17);
    /**
     * Three connections in flight, each worker at most 25 a second: an offered load well above 10/s (the achieved rate is printed;
     * on a loaded 2-core machine it has dropped to 7.7/s), and CPU left for the rest.
     */
    private static final int WORKERS = 3;
    private static final Duration PACE = Duration.ofMillis(40);

    @TempDir
    Path dir;

    private final MutableClock aliceClock = new MutableClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private long handshakesAtLastPhase;
    private final Map<String, Integer> pkiPorts = new HashMap<>();
    private CaLayout aliceCa;
    private CaLayout bobCa;
    private RepoServer server;
    private Agent aliceAgent;
    private Agent bobAgent;
    private Path aliceOut;
    private Path bobOut;
    private Path aliceWork;
    private Path bobWork;
    private HandshakeLoop loop;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(CGit.available(), "C git is needed");
        aliceCa = zone("alice");
        bobCa = zone("bob");
        RepoServerConfig config = RepoServerConfig.ephemeral(dir.resolve("server"));
        UserStore users = new UserStore(config.usersFile());
        PasswordHasher fast = new PasswordHasher(2_000);
        users.put("alice-ops", PASSWORD.toCharArray(), fast, Set.of("alice"), false);
        users.put("bob-ops", PASSWORD.toCharArray(), fast, Set.of("bob"), false);
        server = RepoServer.start(config);
        open.add(server);
        aliceWork = clone("alice-ops", "alice-work");
        bobWork = clone("bob-ops", "bob-work");
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    /** Bob's server: the demo's MtlsService, re-reading bob's agent's files at the next handshake. */
    @Test
    void aliceRotatesHerRootAndTheContractIsRenewedWithoutOneFailedHandshake() throws Exception {
        prove(null);
    }

    /** Bob's server: nginx (Debian's), reloaded by bob's agent's {@code --on-change} after every change. */
    @Test
    void theSameWithNginxReloadedByTheAgentAsBobsServer() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(NGINX)), "nginx is not installed (Debian package nginx): skipped");
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        prove(prefix);
    }

    private static final String NGINX = "/usr/sbin/nginx";

    /** @param nginxPrefix nginx's directory when nginx is bob's server; null for MtlsService */
    private void prove(Path nginxPrefix) throws Exception {
        String oldRoot = fingerprint(aliceCa.certificate());
        String bobRoot = fingerprint(bobCa.certificate());
        String oldIssuer = Pem.certificate(Files.readString(aliceCa.certificate())).getSubjectX500Principal().getName();

        // a contract alice-bob on main, signed by both admins; the agents, bob's service and alice's client loop
        Path file = aliceWork.resolve("contracts/" + CONTRACT + ".yaml");
        Files.createDirectories(file.getParent());
        cli("contract", "new", "--name", CONTRACT, "--participant", "alice=" + aliceCa.certificate(),
                "--participant", "bob=" + bobCa.certificate(), "--valid-for", "30d", "-o", file.toString());
        cli("contract", "sign", file.toString(), "--key", admin("alice", "key"), "--cert", admin("alice", "cert"));
        cli("contract", "sign", file.toString(), "--key", admin("bob", "key"), "--cert", admin("bob", "cert"));
        git(aliceWork, "add", "-A");
        git(aliceWork, "commit", "-q", "-m", CONTRACT);
        git(aliceWork, "push", "-q", "origin", "HEAD:refs/heads/main");
        aliceOut = dir.resolve("alice-agent");
        bobOut = dir.resolve("bob-agent");
        aliceAgent = agent(aliceCa, aliceOut, aliceClock, null);
        Path nginxConf = nginxPrefix == null ? null : nginxPrefix.resolve("nginx.conf");
        String reload = nginxPrefix == null ? null : NGINX + " -p " + nginxPrefix + " -c " + nginxConf + " -s reload";
        bobAgent = agent(bobCa, bobOut, Clock.systemUTC(), reload);
        awaitApplied("the agents' first sync");
        await("bob's chain.pem to hold alice's root", () -> roots(bobOut, OutputLayout.CHAIN).contains(oldRoot));
        int bobPort = nginxPrefix == null ? mtlsService() : nginx(nginxPrefix, nginxConf);
        loop = new HandshakeLoop(bobPort, aliceOut, WORKERS, PACE, f -> System.out.println("[rotation-proof] " + f));
        loop.start();
        await("the first handshakes", () -> loop.succeeded() >= 10);
        phase("contract alice-bob in force, alice's client -> bob's " + (nginxPrefix == null ? "MtlsService" : "nginx")
                + " running");

        // 1. alice's next root, beside the current one
        Cli started = cli("pki", "rotate", "start", "--dir", aliceCa.dir().toString());
        String nextRoot = fingerprint(aliceCa.nextCertificate());
        String nextIssuer = Pem.certificate(Files.readString(aliceCa.nextCertificate())).getSubjectX500Principal().getName();
        phase("pki rotate start: next root sha256:" + nextRoot + " (" + started.out().lines()
                .filter(l -> l.startsWith("next:")).findFirst().orElse("") + ")");
        aliceGetCa("alice's agent to learn its next root (ca.pem)",
                () -> roots(aliceOut, OutputLayout.CA).equals(List.of(oldRoot, nextRoot)));

        // 2. successor with alice's next root: alice signs with each root, bob signs, merged
        git(aliceWork, "checkout", "-q", "main");
        git(aliceWork, "pull", "-q", "--ff-only", "origin", "main");
        cli("contract", "rotate", CONTRACT, "--repo", aliceWork.toString(), "--participant",
                "alice=" + aliceCa.nextCertificate());
        propose("proposals/rotate-alice", "rotate alice-bob: alice's next root");
        cli("contract", "sign", file.toString(), "--key", admin("alice", "key"), "--cert", admin("alice", "cert"));
        cli("contract", "sign", file.toString(), "--key", aliceCa.nextPrivateKey().toString(), "--cert",
                aliceCa.nextCertificate().toString());
        commitAndPush(aliceWork, "proposals/rotate-alice", "alice signs with both roots");
        bobSigns("proposals/rotate-alice");
        merge("proposals/rotate-alice");
        await("bob's chain.pem to hold both of alice's roots",
                () -> roots(bobOut, OutputLayout.CHAIN).containsAll(List.of(oldRoot, nextRoot, bobRoot)));
        // bob's server itself, not only its file: nginx takes the new chain.pem only once the reload took effect
        await("bob's server to accept a certificate of alice's next root", () -> acceptsLeafOf(bobPort, aliceCa));
        phase("successor with alice's next root merged; both agents applied it; bob's server trusts the next root");

        // 3. switch: the next root issues; alice's agent renews from it at its next GetCA (the clock jumps past two
        // thirds of the certificate's lifetime too: the earlier jumps moved its next GetCA out of a short jump's reach;
        // the renewal at the next GetCA in real time is what RotationDemoTest and AgentRootRotationTest show)
        cli("pki", "rotate", "switch", "--dir", aliceCa.dir().toString());
        phase("pki rotate switch: alice's PKI issues from the next root");
        aliceRenews("alice's agent to renew its certificate from the next root",
                () -> issuer(aliceOut).equals(nextIssuer));
        await("alice's client to present the new certificate", () -> loop.presentedFrom(nextIssuer) >= 20);
        phase("alice's client presents its certificate from the next root");

        // 4. the old root dropped from the contract: signed with the next root (alice's only root now), bob signs
        git(aliceWork, "checkout", "-q", "main");
        git(aliceWork, "pull", "-q", "--ff-only", "origin", "main");
        cli("contract", "rotate", CONTRACT, "--repo", aliceWork.toString(), "--drop-old", "alice");
        propose("proposals/drop-alice-old", "rotate alice-bob: drop alice's old root");
        cli("contract", "sign", file.toString(), "--key", aliceCa.nextPrivateKey().toString(), "--cert",
                aliceCa.nextCertificate().toString());
        commitAndPush(aliceWork, "proposals/drop-alice-old", "alice signs with her new root");
        bobSigns("proposals/drop-alice-old");
        merge("proposals/drop-alice-old");
        await("bob's chain.pem to lose alice's old root",
                () -> Set.copyOf(roots(bobOut, OutputLayout.CHAIN)).equals(Set.of(bobRoot, nextRoot)));
        phase("successor without alice's old root merged; both agents applied it");

        // 5. finish: the old root retired; alice's agent drops it at its next GetCA
        cli("pki", "rotate", "finish", "--dir", aliceCa.dir().toString());
        phase("pki rotate finish: alice's old root retired");
        aliceRenews("alice's agent to retire the old root (ca.pem, chain.pem)",
                () -> roots(aliceOut, OutputLayout.CA).equals(List.of(nextRoot))
                        && !roots(aliceOut, OutputLayout.CHAIN).contains(oldRoot));
        phase("alice's agent follows the finish");

        // 6. a renewal of the contract: a new id and window, signed by alice's (new) root and bob, merged
        git(aliceWork, "checkout", "-q", "main");
        git(aliceWork, "pull", "-q", "--ff-only", "origin", "main");
        cli("contract", "renew", CONTRACT, "--repo", aliceWork.toString());
        propose("proposals/renew", "renew alice-bob");
        cli("contract", "sign", file.toString(), "--key", aliceCa.privateKey().toString(), "--cert",
                aliceCa.certificate().toString());
        commitAndPush(aliceWork, "proposals/renew", "alice signs the renewal");
        bobSigns("proposals/renew");
        merge("proposals/renew");
        long afterRenewal = loop.succeeded();
        await("more handshakes after the renewal", () -> loop.succeeded() >= afterRenewal + 20);
        phase("renewal merged; both agents applied it");

        Duration ran = loop.stop();
        double rate = loop.succeeded() / (ran.toNanos() / 1e9);
        System.out.printf("[rotation-proof] RESULT: %d handshakes in %.1f s (%.1f/s), %d failed; client certificates "
                + "presented by issuer: %s; %s%n", loop.succeeded(), ran.toNanos() / 1e9, rate, loop.failures().size(),
                loop.byIssuer(), loop.meanTimes());
        assertThat(loop.failures()).as("failed handshakes").isEmpty();
        // the loop offers WORKERS x PACE (well over 10 a second) and every step above waited for a handshake of its
        // own; how many the machine completes is measured and printed, not asserted: a slow machine must not fail
        // the proof, a failed handshake must
        assertThat(loop.presentedFrom(oldIssuer)).as("handshakes with a certificate of the old root").isPositive();
        assertThat(loop.presentedFrom(nextIssuer)).as("handshakes with a certificate of the new root").isPositive();

        // the old root is in no bundle anywhere: agents' files, the server's index and API
        for (Path out : List.of(aliceOut, bobOut)) {
            for (String f : List.of(OutputLayout.CHAIN, OutputLayout.CA)) {
                assertThat(roots(out, f)).as("%s/%s", out.getFileName(), f).doesNotContain(oldRoot);
            }
        }
        assertThat(roots(aliceOut, OutputLayout.CHAIN)).containsExactlyInAnyOrder(nextRoot, bobRoot);
        assertThat(roots(bobOut, OutputLayout.CHAIN)).containsExactlyInAnyOrder(nextRoot, bobRoot);
        String bobPeers = get("/api/certificates?name=bob");
        assertThat(bobPeers).contains(nextRoot).doesNotContain(oldRoot);
        assertThat(get("/api/certificates?name=alice")).contains(bobRoot).doesNotContain(oldRoot);
        assertThat(get("/api/contracts")).doesNotContain(oldRoot);
        assertThat(get("/api/contracts/" + CONTRACT)).contains(nextRoot).doesNotContain(oldRoot);
        assertThat(Files.readString(file)).doesNotContain(oldRoot);
        if (nginxPrefix != null) {
            // nginx saw the changes only through the agent's --on-change: the successor adding the next root, the one
            // dropping the old root (and the first files)
            assertThat(bobAgent.status().hookRuns()).as("nginx reloads by bob's agent").isGreaterThanOrEqualTo(2);
            assertThat(bobAgent.status().hookProblem()).as("bob's --on-change").isNull();
        }
    }

    // --- zones, agents --------------------------------------------------------------------------------------

    /** A zone's CA directory and admin credential (as {@code pki init} makes them), its PKI serving the directory. */
    private CaLayout zone(String name) throws IOException {
        CaLayout layout = new CaLayout(dir.resolve(name + "-ca"));
        ZoneBootstrap made = ZoneBootstrap.create(layout, name, CaInit.DEFAULT_VALIDITY, Duration.ofDays(365),
                Clock.systemUTC());
        made.admin().writeTo(Path.of(admin(name, "key")), Path.of(admin(name, "cert")));
        PkiServer pki = PkiServer.forDirectory(layout.dir(), null, null);
        open.add(pki);
        pki.start("127.0.0.1", 0);
        pkiPorts.put(name, pki.port());
        return layout;
    }

    private String admin(String zone, String what) {
        return dir.resolve(zone + "-admin" + (what.equals("key") ? "-key" : "") + ".pem").toString();
    }

    /**
     * The zone's agent: pinned to the zone's current root, notified by the repo-server's watch stream.
     *
     * @param onChange the command run after every change of its files, or null
     */
    private Agent agent(CaLayout ca, Path out, Clock clock, String onChange) throws IOException {
        String zone = ca.dir().getFileName().toString().replace("-ca", "");
        Agent a = new Agent(AgentConfig.builder(server.gitUrl(), "127.0.0.1:" + pkiPorts.get(zone), out)
                .clock(clock).interval(Duration.ofSeconds(5)).networkTimeout(Duration.ofSeconds(30))
                .notifyTarget("127.0.0.1:" + server.grpcPort()).name("svc." + zone).onChange(onChange)
                .channels(ChannelOptions.builder().pkiFingerprint(fingerprint(ca.certificate()))
                        .notifyPlaintext(true).build())
                .build());
        open.add(a);
        a.start();
        return a;
    }

    private int mtlsService() throws Exception {
        MtlsService bobService = MtlsService.start("bob", bobOut);
        open.add(bobService);
        return bobService.port();
    }

    /** Starts nginx with bob's agent's files (as NginxEndToEndTest does), stopped after the test. */
    private int nginx(Path prefix, Path conf) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(conf, NginxMtlsConfig.config(prefix, bobOut, port));
        Process nginx = new ProcessBuilder(NGINX, "-p", prefix.toString(), "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        open.add(() -> {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        });
        int p = port;
        await("nginx to listen on " + port, () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", p)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return port;
    }

    /**
     * Whether bob's server completes an mTLS request with a fresh leaf of alice's next root (made here with the next
     * root's key, only for this probe) and alice's chain.pem as trust: what a server must accept before alice's PKI
     * may switch.
     */
    private boolean acceptsLeafOf(int port, CaLayout ca) {
        try {
            X509Certificate next = Pem.certificate(Files.readString(ca.nextCertificate()));
            java.security.PrivateKey nextKey = Pem.privateKey(Files.readString(ca.nextPrivateKey()));
            java.security.KeyPair keys = dev.trustcontracts.core.crypto.KeyType.EC_P256.generate();
            X509Certificate leaf = dev.trustcontracts.core.crypto.CertificateIssuer.issue(next, nextKey,
                    new org.bouncycastle.asn1.x500.X500Name("CN=probe.alice"), keys.getPublic(),
                    dev.trustcontracts.core.crypto.CertificateProfile.TLS, Instant.now().minusSeconds(60),
                    Instant.now().plusSeconds(600), List.of());
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            ctx.init(new javax.net.ssl.KeyManager[] {dev.trustcontracts.core.tls.PemTls.keyManager(List.of(leaf),
                            keys.getPrivate())},
                    new javax.net.ssl.TrustManager[] {new dev.trustcontracts.core.tls.ReloadingTrustManager(
                            aliceOut.resolve(OutputLayout.CHAIN))}, null);
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return reply.startsWith("HTTP/1.1 200") || reply.startsWith("HTTP/1.0 200");
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Moves alice's agent's clock past its next GetCA, wakes it, waits for {@code done}, and moves the clock back. */
    private void aliceGetCa(String what, BooleanSupplier done) throws Exception {
        travel(NEXT_GETCA, what, done);
    }

    /**
     * Moves alice's agent's clock past two thirds of its certificate's lifetime (and its next GetCA), wakes it,
     * waits for {@code done}, and moves the clock back: the certificates the PKI issued meanwhile are valid in real
     * time from now, so the agent sees them as fresh again.
     */
    private void aliceRenews(String what, BooleanSupplier done) throws Exception {
        travel(RENEWAL_DUE.plus(NEXT_GETCA), what, done);
    }

    private void travel(Duration ahead, String what, BooleanSupplier done) throws Exception {
        aliceClock.advance(ahead);
        try {
            Instant deadline = Instant.now().plus(STEP);
            while (!done.getAsBoolean()) {
                assertThat(Instant.now()).as("waiting for %s (agent: %s)", what, aliceAgent.status().lastError())
                        .isBefore(deadline);
                aliceAgent.wake();
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } finally {
            aliceClock.advance(ahead.negated());
        }
    }

    private void awaitApplied(String what) throws Exception {
        String main = server.repository().main().name();
        await(what + " (main " + main.substring(0, 12) + ")", () -> main.equals(aliceAgent.status().appliedCommit())
                && main.equals(bobAgent.status().appliedCommit()) && ready(aliceOut) && ready(bobOut));
    }

    private static boolean ready(Path out) {
        OutputLayout f = new OutputLayout(out);
        return Files.isRegularFile(f.chain()) && Files.isRegularFile(f.cert()) && Files.isRegularFile(f.key());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(STEP);
        while (!done.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for %s", what).isBefore(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Marks a step of the proof; once the loop runs, a step counts only when at least one more handshake succeeded
     * since the previous step: the loop kept working through every step, whatever the machine's speed.
     */
    private void phase(String what) throws InterruptedException {
        if (loop != null) {
            long before = handshakesAtLastPhase;
            await("a handshake during: " + what, () -> loop.succeeded() > before);
            handshakesAtLastPhase = loop.succeeded();
        }
        System.out.printf("[rotation-proof] +%6.2f s  %6d handshakes, %d failed   %s%n", (System.nanoTime() - t0) / 1e9,
                loop == null ? 0 : loop.succeeded(), loop == null ? 0 : loop.failures().size(), what);
    }

    // --- files ----------------------------------------------------------------------------------------------

    /** The roots in an agent's output file, by SHA-256, in file order; empty while the file is absent. */
    private static List<String> roots(Path out, String name) {
        try {
            return Pem.certificates(Files.readString(out.resolve(name), StandardCharsets.US_ASCII)).stream()
                    .map(Fingerprint::of).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The issuer of the certificate in cert.pem (RFC 2253), "" while unreadable. */
    private static String issuer(Path out) {
        try {
            X509Certificate leaf = Pem.certificates(Files.readString(new OutputLayout(out).cert())).get(0);
            return leaf.getIssuerX500Principal().getName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String fingerprint(Path pem) throws IOException {
        return Fingerprint.of(Pem.certificate(Files.readString(pem)));
    }

    // --- operators: trustctl, git, the merge API --------------------------------------------------------------

    private static Cli cli(String... args) {
        Cli r = Cli.run(args);
        assertThat(r.exit()).as("trustctl %s: %s%s", String.join(" ", args), r.out(), r.err()).isZero();
        return r;
    }

    private void propose(String branch, String message) throws IOException {
        git(aliceWork, "checkout", "-q", "-b", branch);
        commitAndPush(aliceWork, branch, message);
    }

    private void bobSigns(String branch) throws IOException {
        git(bobWork, "fetch", "-q", "origin");
        git(bobWork, "checkout", "-q", "-B", branch, "origin/" + branch);
        cli("contract", "sign", bobWork.resolve("contracts/" + CONTRACT + ".yaml").toString(), "--key",
                admin("bob", "key"), "--cert", admin("bob", "cert"));
        commitAndPush(bobWork, branch, "bob signs");
    }

    private static void commitAndPush(Path work, String branch, String message) throws IOException {
        git(work, "commit", "-q", "-am", message);
        git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
    }

    /** Merges as bob's operator and waits until both agents applied the new main. */
    private void merge(String branch) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString(("bob-ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/proposals/"
                + branch + "/merge")).header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("merge %s: %s", branch, r.body()).isEqualTo(200);
        awaitApplied("both agents to apply the merge of " + branch);
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private Path clone(String user, String name) throws IOException {
        Path work = dir.resolve(name);
        String url = server.gitUrl().replaceFirst("^http://", "http://" + user + ":" + PASSWORD.replace(" ", "%20") + "@");
        CGit.Run r = CGit.run(dir, "clone", "-q", url, work.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        if (CGit.run(work, "rev-parse", "--verify", "-q", "HEAD").exit() != 0) {
            git(work, "checkout", "-q", "-b", "main");
        }
        return work;
    }

    private static String git(Path work, String... args) throws IOException {
        CGit.Run r = CGit.run(work, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out().strip();
    }
}
