package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.testing.PkiZone;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two zones, each with its own real PKI and its own agent, and one contract between them: their output
 * files let the zones' workloads talk mTLS while the contract holds, and not after it is revoked.
 */
class CrossZoneTest {
    @TempDir
    Path tmp;
    PkiZone alice;
    PkiZone bob;
    ContractRepo repo;
    Agent aliceAgent;
    Agent bobAgent;

    @BeforeEach
    void setUp() throws Exception {
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        bob = PkiZone.start(tmp.resolve("bob-ca"), "bob");
        repo = ContractRepo.create(tmp.resolve("repo"));
        repo.put(PkiZone.between("alice-bob", alice, bob));
        aliceAgent = new Agent(AgentConfig.builder(repo.url(), alice.target(), tmp.resolve("alice")).channels(PkiPins.pin(alice)).build());
        bobAgent = new Agent(AgentConfig.builder(repo.url(), bob.target(), tmp.resolve("bob")).channels(PkiPins.pin(bob)).build());
        assertThat(aliceAgent.runOnce().ok()).isTrue();
        assertThat(bobAgent.runOnce().ok()).isTrue();
    }

    @AfterEach
    void tearDown() {
        aliceAgent.close();
        bobAgent.close();
        repo.close();
        alice.close();
        bob.close();
    }

    private void revoke() throws Exception {
        repo.delete("alice-bob");
        assertThat(aliceAgent.runOnce().changed()).contains(OutputLayout.CHAIN, OutputLayout.TRUSTSTORE);
        assertThat(bobAgent.runOnce().changed()).contains(OutputLayout.CHAIN, OutputLayout.TRUSTSTORE);
    }

    @Test
    void pkcs12FilesCompleteARealMutualTlsHandshakeUntilTheContractIsRevoked() throws Exception {
        String peer = handshake(context(tmp.resolve("alice")), context(tmp.resolve("bob")));
        assertThat(peer).contains("CN=alice");
        revoke();
        assertThatThrownBy(() -> handshake(context(tmp.resolve("alice")), context(tmp.resolve("bob"))))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void opensslVerifyAcceptsThePeerLeafUntilTheContractIsRevoked() throws Exception {
        assumeTrue(opensslAvailable(), "openssl is not installed: skipping the openssl verify test");
        Path bobLeaf = tmp.resolve("bob/cert.pem");
        Path aliceChain = tmp.resolve("alice/chain.pem");
        Result ok = openssl("verify", "-CAfile", aliceChain.toString(), bobLeaf.toString());
        assertThat(ok.code).as(ok.output).isZero();
        assertThat(ok.output).contains(": OK");
        // and the other way round
        assertThat(openssl("verify", "-CAfile", tmp.resolve("bob/chain.pem").toString(),
                tmp.resolve("alice/cert.pem").toString()).code).isZero();
        revoke();
        Result refused = openssl("verify", "-CAfile", aliceChain.toString(), bobLeaf.toString());
        assertThat(refused.code).as(refused.output).isNotZero();
        assertThat(refused.output).contains("unable to get local issuer certificate");
    }

    static SSLContext context(Path out) throws Exception {
        char[] pw = Files.readString(out.resolve(OutputLayout.KEYSTORE_PASSWORD)).strip().toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(AgentCycleTest.load(out.resolve(OutputLayout.KEYSTORE), pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        KeyStore trust = AgentCycleTest.load(out.resolve(OutputLayout.TRUSTSTORE), pw);
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A TLS server that requires a client certificate, and a client; returns the server's principal as the client saw it. */
    static String handshake(SSLContext server, SSLContext client) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            Future<String> accepted = pool.submit(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(30_000);
                    s.startHandshake();
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    return s.getSession().getPeerPrincipal().getName();
                }
            });
            String serverSeen;
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    ss.getLocalPort())) {
                c.setSoTimeout(30_000);
                c.startHandshake();
                OutputStream o = c.getOutputStream();
                o.write(42);
                o.flush();
                InputStream in = c.getInputStream();
                assertThat(in.read()).isEqualTo(42);
                serverSeen = c.getSession().getPeerPrincipal().getName();
            }
            // the client saw the server's certificate, the server the client's
            assertThat(accepted.get(30, TimeUnit.SECONDS)).contains("CN=bob");
            return serverSeen;
        } finally {
            pool.shutdownNow();
        }
    }

    record Result(int code, String output) {
    }

    static boolean opensslAvailable() {
        try {
            return openssl("version").code == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static Result openssl(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), output);
    }
}
