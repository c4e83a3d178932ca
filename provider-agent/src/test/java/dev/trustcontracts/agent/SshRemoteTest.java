package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh:// remotes against a real OpenSSH server on 127.0.0.1 serving the repository through git-shell:
 * the deploy key and the pinned known_hosts work; a changed host key, an unknown host and a wrong deploy
 * key are refused, and the known_hosts file is never written to.
 */
class SshRemoteTest {
    @TempDir
    Path tmp;
    PkiZone alice;
    TestZone bob;
    ContractRepo repo;
    Sshd sshd;
    Path deployKey;

    @BeforeEach
    void setUp() throws Exception {
        Sshd.assumeAvailable();
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        deployKey = Sshd.keygen(keys, "deploy");
        sshd = Sshd.start(tmp.resolve("sshd"), Files.readString(keys.resolve("deploy.pub")));
        alice = PkiZone.start(tmp.resolve("alice-ca"), "alice");
        bob = TestZone.create("bob");
        repo = ContractRepo.create(tmp.resolve("repo"));
        repo.put(alice.contractWith("alice-bob", bob));
    }

    @AfterEach
    void tearDown() {
        if (repo != null) {
            repo.close();
        }
        if (alice != null) {
            alice.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private Path knownHosts(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private CycleResult once(Path key, Path knownHosts, Path out) throws Exception {
        ChannelOptions ch = ChannelOptions.builder().pkiFingerprint(alice.ca.fingerprint())
                .sshKey(key).sshKnownHosts(knownHosts).build();
        try (Agent a = new Agent(AgentConfig.builder(sshd.url(repo.bare), alice.target(), out).channels(ch).build())) {
            return a.runOnce();
        }
    }

    @Test
    void theDeployKeyAndThePinnedHostKeyFetch() throws Exception {
        Path kh = knownHosts("known_hosts", sshd.knownHostsLine(sshd.hostKey.resolveSibling("ssh_host_ed25519_key.pub")));

        CycleResult r = once(deployKey, kh, tmp.resolve("out"));

        assertThat(r.ok()).as(r.message() + "\nsshd log:\n" + sshd.log()).isTrue();
        assertThat(Outputs.chain(tmp.resolve("out"))).contains(Fingerprint.of(bob.root));
        assertThat(sshd.log()).contains("Accepted publickey for " + System.getProperty("user.name"));
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        Path other = Sshd.keygen(Files.createDirectories(tmp.resolve("other")), "impostor_host_key");
        String line = sshd.knownHostsLine(other.resolveSibling("impostor_host_key.pub"));
        Path kh = knownHosts("known_hosts", line);

        CycleResult r = once(deployKey, kh, tmp.resolve("out"));

        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(tmp.resolve("out/chain.pem")).doesNotExist();
        assertThat(Files.readString(kh)).as("known_hosts is never rewritten").isEqualTo(line);
        assertThat(sshd.log()).doesNotContain("Accepted publickey");
    }

    @Test
    void anUnknownHostIsRefusedAndNotAdded() throws Exception {
        Path kh = knownHosts("known_hosts", "");

        CycleResult r = once(deployKey, kh, tmp.resolve("out"));

        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(Files.readString(kh)).as("no trust on first use").isEmpty();
        assertThat(sshd.log()).doesNotContain("Accepted publickey");
    }

    @Test
    void aWrongDeployKeyIsRefused() throws Exception {
        Path wrongKey = Sshd.keygen(Files.createDirectories(tmp.resolve("wrong")), "not-deployed");
        Path kh = knownHosts("known_hosts", sshd.knownHostsLine(sshd.hostKey.resolveSibling("ssh_host_ed25519_key.pub")));

        CycleResult r = once(wrongKey, kh, tmp.resolve("out"));

        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isEqualTo(FailureKind.REMOTE);
        assertThat(tmp.resolve("out/chain.pem")).doesNotExist();
        assertThat(sshd.log()).doesNotContain("Accepted publickey");
    }
}
