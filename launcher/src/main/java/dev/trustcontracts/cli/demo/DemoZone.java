package dev.trustcontracts.cli.demo;

import dev.trustcontracts.agent.Agent;
import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.pki.BearerToken;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.Credential;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.pki.ZoneCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * One demo zone, all on 127.0.0.1: its CA served over gRPC with TLS (with a bearer token), its admin's
 * contract-signing credential, its agent (with health on a port of its own) and an HTTPS service
 * that trusts what the agent writes.
 */
final class DemoZone implements AutoCloseable {
    final String name;
    final Path dir;
    final ZoneCa ca;
    final Credential admin;
    private final PkiServer pki;
    private Agent agent;
    private MtlsService service;

    private DemoZone(String name, Path dir, ZoneCa ca, Credential admin, PkiServer pki) {
        this.name = name;
        this.dir = dir;
        this.ca = ca;
        this.admin = admin;
        this.pki = pki;
    }

    /** Creates the zone's CA and admin credential and starts its PKI. */
    static DemoZone create(String name, Path base) throws IOException {
        Path dir = Files.createDirectories(base.resolve(name));
        CaLayout layout = new CaLayout(dir.resolve("pki"));
        ZoneBootstrap zone = ZoneBootstrap.create(layout, name, Duration.ofDays(30), Duration.ofDays(7), Clock.systemUTC());
        ZoneCa ca = zone.ca();
        Credential admin = zone.admin();
        admin.writeTo(dir.resolve("admin-key.pem"), dir.resolve("admin.pem"));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        AtomicFiles.createNew(dir.resolve("pki.token"), token.getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
        PkiServer pki = PkiServer.forDirectory(layout.dir(), null, BearerToken.of(token));
        pki.start("127.0.0.1", 0);
        return new DemoZone(name, dir, ca, admin, pki);
    }

    /**
     * Starts the agent (notified by the repo-server's watch stream, polling as a fallback) and waits for its files.
     *
     * @param repoCa        the CA of the repo-server's certificate, for its https:// remote and its TLS watch stream
     * @param pkiCheckEvery how often the agent asks its PKI for the roots (short in the rotation demo)
     */
    void startAgent(String gitUrl, int grpcPort, Path repoCa, Duration interval, String onChange,
            Duration pkiCheckEvery) throws IOException {
        AgentConfig config = AgentConfig.builder(gitUrl, "127.0.0.1:" + pki.port(), out())
                .pkiTokenFile(dir.resolve("pki.token"))
                .interval(interval)
                .pkiCheckEvery(pkiCheckEvery)
                .notifyTarget("127.0.0.1:" + grpcPort)
                .name("svc." + name)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .onChange(onChange)
                // TLS on every link: the agent pins its zone's root from the CA's own ca.pem for the PKI, and
                // checks the repo-server (Git over HTTPS and the gRPC watch stream) against the demo's server CA
                .channels(ChannelOptions.builder().pkiCa(caFile())
                        .remoteCa(repoCa).notifyCa(repoCa).build())
                .build();
        agent = new Agent(config);
        agent.start();
    }

    /** Starts the HTTPS service once the agent has written its first bundle. */
    void startService() throws IOException, GeneralSecurityException {
        service = MtlsService.start(name, out());
    }

    boolean agentReady() {
        OutputLayout files = new OutputLayout(out());
        return Files.isRegularFile(files.chain()) && Files.isRegularFile(files.cert()) && Files.isRegularFile(files.key());
    }

    Agent agent() {
        return agent;
    }

    Path out() {
        return dir.resolve("agent-out");
    }

    /** The zone's CA directory, as {@code pki init} made it and {@code pki rotate} works on it. */
    CaLayout caLayout() {
        return new CaLayout(dir.resolve("pki"));
    }

    /** The zone root the agent pins. */
    Path caFile() {
        return dir.resolve("pki").resolve(CaLayout.CERTIFICATE);
    }

    int pkiPort() {
        return pki.port();
    }

    MtlsService service() {
        return service;
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
        if (agent != null) {
            agent.close();
        }
        pki.close();
    }
}
