package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.KeyStores;
import dev.trustcontracts.agent.pki.CertificateKeeper;
import dev.trustcontracts.agent.pki.RenewalPolicy;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.MutableClock;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One agent, cycle by cycle ({@link Agent#runOnce()}), against a real PKI on a real port and a real Git
 * repository over file://.
 */
class AgentCycleTest extends AgentFixture {
    static TestZone bob;
    static TestZone carol;
    static TestZone dave;


    @BeforeAll
    static void zones() {
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
        dave = TestZone.create("dave");
    }

    private Agent agent() throws Exception {
        return agent(b -> { });
    }

    private Agent agent(Consumer<AgentConfig.Builder> custom) throws Exception {
        AgentConfig.Builder b = config()
                .interval(Duration.ofSeconds(1)).clock(clock);
        custom.accept(b);
        return new Agent(b.build());
    }

    private static String hash(TestZone z) {
        return Fingerprint.of(z.root);
    }

    private String own() {
        return Fingerprint.of(alice.root());
    }

    @Test
    void chainHoldsExactlyTheOwnRootAndPeersWithAValidSharedContract() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        repo.put(TestZone.signed("carol-dave", carol, dave));        // does not involve alice
        repo.put(alice.sign(dev.trustcontracts.core.contract.ContractDraft.create("alice-carol",
                List.of(alice.zone(), carol.zone()), java.time.Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(30))));                               // carol never signed
        try (Agent a = agent()) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commit()).isEqualTo(repo.remoteHead().name());
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));
            assertThat(a.status().peers()).isEqualTo(1);
            assertThat(a.status().invalidFiles()).isEqualTo(1);
            assertThat(a.status().isReady()).isTrue();

            // ca.pem is the PKI's root, cert.pem a leaf under it for the zone name, key.pem private
            assertThat(Pem.certificate(Files.readString(files().ca()))).isEqualTo(alice.root());
            X509Certificate leaf = Outputs.cert(out);
            leaf.verify(alice.root().getPublicKey());
            assertThat(RenewalPolicy.commonName(leaf)).isEqualTo("alice");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files().key())))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files().keystore())))
                    .isEqualTo("rw-------");

            // the PKCS#12 files open with the password the agent created
            char[] pw = Files.readString(files().keystorePassword()).strip().toCharArray();
            KeyStore ks = load(files().keystore(), pw);
            assertThat(Collections.list(ks.aliases())).containsExactly(KeyStores.KEY_ALIAS);
            assertThat(ks.getCertificate(KeyStores.KEY_ALIAS)).isEqualTo(leaf);
            assertThat(ks.getCertificateChain(KeyStores.KEY_ALIAS)).hasSize(2);
            KeyStore ts = load(files().truststore(), pw);
            assertThat(Collections.list(ts.aliases())).containsExactlyInAnyOrder(
                    KeyStores.alias(alice.root()), KeyStores.alias(bob.root));

            // the state file records the applied commit
            AgentState state = new AgentStateStore(out).load();
            assertThat(state.appliedCommit()).isEqualTo(r.commit());

            // a second cycle with nothing new changes nothing
            Map<String, String> before = Outputs.snapshot(out);
            CycleResult again = a.runOnce();
            assertThat(again.ok()).isTrue();
            assertThat(again.changed()).isEmpty();
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
        }
    }

    @Test
    void aDeletedContractLeavesAndComesBackNeverWithTheSameId() throws Exception {
        Contract ab = alice.contractWith("alice-bob", bob);
        repo.put(ab);
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));

            repo.delete("alice-bob");
            CycleResult r = a.runOnce();
            assertThat(r.changed()).contains(OutputLayout.CHAIN, OutputLayout.TRUSTSTORE);
            assertThat(Outputs.chain(out)).containsExactly(own());

            repo.put(ab); // the very same file again: a replay
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own());
            assertThat(a.status().ignoredReplays()).isEqualTo(1);
        }
        assertThat(new AgentStateStore(out).load().revoked()).containsKey(ab.getBody().getId());
        // a restarted agent remembers
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own());
            // new trust needs a new contract (a new id)
            repo.put(alice.contractWith("alice-bob", bob));
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));
        }
        // an agent that starts fresh learns the removal from the history
        Path fresh = tmp.resolve("fresh-out");
        repo.delete("alice-bob");
        repo.put(ab);
        try (Agent a = new Agent(AgentConfig.builder(repo.url(), alice.target(), fresh).channels(PkiPins.pin(alice)).build())) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(fresh)).containsExactly(own());
        }
    }

    @Test
    void aForcePushToOlderHistoryIsRefusedAndTheOutputsStay() throws Exception {
        RevCommit c1 = repo.put(alice.contractWith("alice-bob", bob));
        repo.put(alice.contractWith("alice-carol", carol));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(bob), hash(carol));
            Map<String, String> before = Outputs.snapshot(out);
            String applied = new AgentStateStore(out).load().appliedCommit();

            repo.forcePushMain(c1);
            CycleResult r = a.runOnce();
            assertThat(r.refused()).isTrue();
            assertThat(r.ok()).isFalse();
            assertThat(a.status().rollbackRefused()).contains(c1.name());
            assertThat(a.status().failures(FailureKind.ROLLBACK)).isEqualTo(1);
            assertThat(a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ZERO))
                    .anySatisfy(p -> assertThat(p).startsWith("rollback refused"));
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
            assertThat(new AgentStateStore(out).load().appliedCommit()).isEqualTo(applied);
            // and again on the next cycle
            assertThat(a.runOnce().refused()).isTrue();
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
        }
        // the operator accepts the rewritten head explicitly
        try (Agent a = agent(b -> b.acceptHead(c1.name()))) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));
            assertThat(a.status().rollbackRefused()).isNull();
        }
    }

    @Test
    void anExpiredContractDropsOnTheAgentsClockEvenWithTheRemoteGone() throws Exception {
        repo.put(alice.contractWith("alice-bob", Duration.ofHours(1), bob));
        repo.put(alice.contractWith("alice-carol", carol));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(bob), hash(carol));
            // no new commit, and the remote is gone
            Files.move(repo.bare, tmp.resolve("hidden.git"));
            clock.advance(Duration.ofHours(2));
            CycleResult r = a.runOnce();
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
            assertThat(r.changed()).contains(OutputLayout.CHAIN);
            assertThat(Outputs.chain(out)).containsExactlyInAnyOrder(own(), hash(carol));
        }
    }

    @Test
    void onChangeRunsExactlyOncePerChange() throws Exception {
        Path log = tmp.resolve("hook.log");
        try (Agent a = agent(b -> b.onChange("echo \"$TRUSTCTL_CHANGED\" >> '" + log + "'"))) {
            assertThat(a.runOnce().ok()).isTrue();                 // first outputs
            assertThat(Files.readAllLines(log)).hasSize(1);
            assertThat(Files.readAllLines(log).get(0)).contains(OutputLayout.CHAIN, OutputLayout.CERT, OutputLayout.KEY);
            a.runOnce();
            a.runOnce();                                           // nothing changed: no run
            assertThat(Files.readAllLines(log)).hasSize(1);
            repo.put(alice.contractWith("alice-bob", bob));
            a.runOnce();
            a.runOnce();
            assertThat(Files.readAllLines(log)).hasSize(2);
            assertThat(Files.readAllLines(log).get(1)).isEqualTo("chain.pem truststore.p12");
            repo.put(TestZone.signed("carol-dave", carol, dave));  // a commit that changes nothing for alice
            a.runOnce();
            assertThat(Files.readAllLines(log)).hasSize(2);
            repo.delete("alice-bob");
            a.runOnce();
            assertThat(Files.readAllLines(log)).hasSize(3);
            assertThat(a.status().hookRuns()).isEqualTo(3);
            assertThat(new AgentStateStore(out).load().pendingHook()).isEmpty();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFilesAndTheNextCycleCatchesUp() throws Exception {
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            Map<String, String> before = Outputs.snapshot(out);
            repo.put(alice.contractWith("alice-bob", bob));
            org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", out),
                    "chattr +i is not available: skipping the real write-failure test");
            CycleResult r;
            try {
                r = a.runOnce();
            } finally {
                chattr("-i", out);
            }
            assertThat(r.failure()).isEqualTo(FailureKind.WRITE);
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
            try (Stream<Path> s = Files.list(out)) {
                assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));
        }
    }

    @Test
    void aCorruptLocalCloneIsReplacedByAFreshClone() throws Exception {
        repo.put(alice.contractWith("alice-bob", bob));
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
        }
        Map<String, String> before = Outputs.snapshot(out);
        try (Stream<Path> s = Files.walk(out.resolve(".trustctl-agent/mirror.git/objects"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.writeString(p, "garbage");
            }
        }
        try (Agent a = agent()) {
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(a.status().failures(FailureKind.LOCAL_CLONE)).isEqualTo(1);
            assertThat(Outputs.snapshot(out)).isEqualTo(before);
        }
    }

    @Test
    void whenThePkiIsDownTheCertificateIsKeptAndTheBundleStillFollowsGit() throws Exception {
        try (Agent a = agent()) {
            assertThat(a.runOnce().ok()).isTrue();
            X509Certificate leaf = Outputs.cert(out);
            alice.stop();
            repo.put(alice.contractWith("alice-bob", bob));
            // while the certificate is good the PKI is only asked now and then: make it time to ask
            clock.advance(CertificateKeeper.CHECK_EVERY.plusSeconds(1));
            CycleResult r = a.runOnce();
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(Outputs.chain(out)).containsExactly(own(), hash(bob));
            assertThat(Outputs.cert(out)).isEqualTo(leaf);
            assertThat(a.status().failures(FailureKind.PKI)).isEqualTo(1);
            assertThat(a.status().problems(clock.instant(), Duration.ofHours(1), Duration.ZERO))
                    .anySatisfy(p -> assertThat(p).startsWith("pki: "));
            // the problem stays visible until the PKI answers again
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(a.status().pkiProblem()).isNotNull();
            alice.restart();
            clock.advance(CertificateKeeper.RETRY_EVERY.plusSeconds(1));
            assertThat(a.runOnce().ok()).isTrue();
            assertThat(a.status().pkiProblem()).isNull();
        }
    }

    @Test
    void withoutAnyRootTheFirstCycleFailsAsAPkiFailure() throws Exception {
        alice.stop();
        try (Agent a = agent()) {
            CycleResult r = a.runOnce();
            assertThat(r.failure()).isEqualTo(FailureKind.PKI);
            assertThat(Files.exists(files().chain())).isFalse();
            assertThat(a.status().isReady()).isFalse();
        }
    }

    @Test
    void theCertificateIsRenewedAtTwoThirdsOfItsLifetime() throws Exception {
        alice.close();
        try (PkiZone short1 = PkiZone.start(tmp.resolve("short-ca"), "short", null, Duration.ofHours(3), clock)) {
            AgentConfig cfg = AgentConfig.builder(repo.url(), short1.target(), out).channels(PkiPins.pin(short1)).clock(clock).build();
            try (Agent a = new Agent(cfg)) {
                assertThat(a.runOnce().ok()).isTrue();
                X509Certificate first = Outputs.cert(out);
                clock.advance(Duration.ofMinutes(100));            // 100 of 180 minutes: keep
                assertThat(a.runOnce().changed()).isEmpty();
                clock.advance(Duration.ofMinutes(25));             // 125 > 120: renew
                CycleResult r = a.runOnce();
                assertThat(r.changed()).contains(OutputLayout.CERT, OutputLayout.KEY, OutputLayout.KEYSTORE);
                assertThat(Outputs.cert(out).getSerialNumber()).isNotEqualTo(first.getSerialNumber());
            }
        }
    }

    @Test
    void aPkiTokenIsSentAndAWrongOneIsRefused() throws Exception {
        alice.close();
        String token = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
        try (PkiZone guarded = PkiZone.start(tmp.resolve("guarded-ca"), "guarded", token, Duration.ofHours(24), clock)) {
            Path good = tmp.resolve("token");
            Files.writeString(good, token + "\n");
            try (Agent a = new Agent(AgentConfig.builder(repo.url(), guarded.target(), out).channels(PkiPins.pin(guarded)).pkiTokenFile(good).build())) {
                assertThat(a.runOnce().ok()).isTrue();
            }
            Path bad = tmp.resolve("bad-token");
            Files.writeString(bad, "0".repeat(40));
            try (Agent a = new Agent(AgentConfig.builder(repo.url(), guarded.target(), tmp.resolve("out2")).channels(PkiPins.pin(guarded))
                    .pkiTokenFile(bad).build())) {
                CycleResult r = a.runOnce();
                assertThat(r.failure()).isEqualTo(FailureKind.PKI);
                assertThat(r.message()).contains("UNAUTHENTICATED");
            }
        }
    }

    static KeyStore load(Path p, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(p.toFile())) {
            ks.load(in, pw);
        }
        return ks;
    }

    static boolean chattr(String flag, Path dir) {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
