package dev.trustcontracts.testing;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.SigningException;
import dev.trustcontracts.pki.BearerToken;
import dev.trustcontracts.pki.CaInit;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.Credential;
import dev.trustcontracts.pki.IssuancePolicy;
import dev.trustcontracts.pki.IssuedLog;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.pki.ZoneCa;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A zone with a real PKI: its CA and admin contract-signing certificate made by pki's {@link ZoneBootstrap}
 * (as the demo makes its zones), and a real PkiServer on 127.0.0.1 (port 0), so that tests and benchmarks can
 * make contracts this zone signs and agents that get their certificates from it. The agent's link settings for
 * it are the agent tests' {@code PkiPins} (this module knows no agent types).
 */
public final class PkiZone implements AutoCloseable {
    public final String name;
    public final ZoneCa ca;
    public final Credential admin;
    public final Path dir;
    private final IssuancePolicy policy;
    private final IssuedLog log;
    private final BearerToken token;
    private final Clock clock;
    private PkiServer.Transport transport = PkiServer.Transport.tls(List.of());
    private PkiServer server;
    private int port;

    private PkiZone(String name, Path dir, ZoneCa ca, Credential admin, IssuancePolicy policy, IssuedLog log,
            BearerToken token, Clock clock) {
        this.name = name;
        this.dir = dir;
        this.ca = ca;
        this.admin = admin;
        this.policy = policy;
        this.log = log;
        this.token = token;
        this.clock = clock;
    }

    public static PkiZone start(Path dir, String zone) throws IOException {
        return start(dir, zone, null, Duration.ofHours(24), Clock.systemUTC());
    }

    /** A PKI that serves plaintext gRPC, as {@code pki serve --plaintext} does. */
    public static PkiZone startPlaintext(Path dir, String zone) throws IOException {
        return start(dir, zone, null, Duration.ofHours(24), Clock.systemUTC(), PkiServer.Transport.plaintext());
    }

    public static PkiZone start(Path dir, String zone, String token, Duration maxLifetime, Clock clock) throws IOException {
        return start(dir, zone, token, maxLifetime, clock, PkiServer.Transport.tls(List.of()));
    }

    public static PkiZone start(Path dir, String zone, String token, Duration maxLifetime, Clock clock,
            PkiServer.Transport transport) throws IOException {
        ZoneBootstrap made = ZoneBootstrap.create(new CaLayout(dir), zone, CaInit.DEFAULT_VALIDITY, Duration.ofDays(365),
                clock);
        PkiZone z = new PkiZone(zone, dir, made.ca(), made.admin(), IssuancePolicy.forZone(zone, List.of(), maxLifetime, ""),
                made.log(), token == null ? null : BearerToken.of(token), clock);
        z.transport = transport;
        z.startServer(0);
        return z;
    }

    private void startServer(int onPort) throws IOException {
        server = new PkiServer(ca, policy, log, token, clock, transport);
        port = server.start("127.0.0.1", onPort);
    }

    /** HOST:PORT for --pki. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    /** The zone root as a PEM file, for --pki-ca. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts again on the same port. */
    public void restart() throws IOException {
        startServer(port);
    }

    public X509Certificate root() {
        return ca.certificate();
    }

    public ContractDraft.Zone zone() {
        return new ContractDraft.Zone(name, ca.certificate(), "");
    }

    /** Adds this zone's signature, made by its admin certificate. */
    public Contract sign(Contract c) {
        try {
            return ContractSigner.sign(c, admin.privateKey(), List.of(admin.certificate(), ca.certificate()),
                    Instant.now().minusSeconds(60));
        } catch (SigningException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A contract between this zone and test zones, valid from yesterday for {@code validFor} more, signed by all. */
    public Contract contractWith(String contractName, Duration validFor, TestZone... others) {
        List<ContractDraft.Zone> zones = new ArrayList<>();
        zones.add(zone());
        for (TestZone t : others) {
            zones.add(t.zone());
        }
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Contract c = ContractDraft.create(contractName, zones, from, Duration.ofDays(1).plus(validFor));
        c = sign(c);
        for (TestZone t : others) {
            c = t.sign(c);
        }
        return c;
    }

    public Contract contractWith(String contractName, TestZone... others) {
        return contractWith(contractName, Duration.ofDays(365), others);
    }

    /** A contract between two PKI zones, signed by both admins. */
    public static Contract between(String contractName, PkiZone a, PkiZone b) {
        Contract c = ContractDraft.create(contractName, List.of(a.zone(), b.zone()), Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(366));
        return b.sign(a.sign(c));
    }

    @Override
    public void close() {
        stop();
    }
}
