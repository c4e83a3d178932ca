package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.index.TreeValidator;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A JGit client pushes to a real server port; each broken rule is refused with its own message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushValidationTest {
    @TempDir
    static Path tmp;
    Fixture fx;
    Git git;
    ObjectId main;
    int clones;

    @BeforeAll
    void start() throws Exception {
        fx = new Fixture(tmp);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @BeforeEach
    void freshClone() throws Exception {
        git = fx.cloneRepo("clone" + (++clones));
        main = Fixture.fetchMain(git);
    }

    private Fixture.Pushed pushToMain(Fixture.Change c) throws Exception {
        return Fixture.pushMain(git, Fixture.commit(git, main.name(), c));
    }

    private void assertRejected(Fixture.Pushed p, String... lines) throws Exception {
        assertThat(p.status()).isEqualTo(RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
        for (String l : lines) {
            assertThat(p.remote()).contains(l);
        }
        assertThat(Fixture.fetchMain(git)).as("main did not move").isEqualTo(main);
    }

    @Test
    void validContractIsAcceptedAndIndexed() throws Exception {
        Fixture.Pushed p = pushToMain(change().contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB)));
        assertThat(p.status()).as(p.remote()).isEqualTo(RemoteRefUpdate.Status.OK);
        ObjectId now = Fixture.fetchMain(git);
        assertThat(fx.server.index().current().commit()).isEqualTo(now.name());
        assertThat(fx.server.index().current().contract("alice-bob")).isPresent();
    }

    @Test
    void unsigned() throws Exception {
        assertRejected(pushToMain(change().contract("contracts/u1.yaml", TestZone.draft("u1", ALICE, BOB))),
                "contracts/u1.yaml: [signature-missing] participant alice: has not signed",
                "contracts/u1.yaml: [signature-missing] participant bob: has not signed");
    }

    @Test
    void oneSignatureMissing() throws Exception {
        Fixture.Pushed p = pushToMain(change().contract("contracts/half.yaml",
                ALICE.sign(TestZone.draft("half", ALICE, BOB))));
        assertRejected(p, "contracts/half.yaml: [signature-missing] participant bob: has not signed");
        assertThat(p.remote()).doesNotContain("participant alice");
        assertThat(p.message()).contains("the resulting main is not valid").contains("signature-missing");
    }

    @Test
    void tamperedBody() throws Exception {
        Contract c = TestZone.signed("tampered", ALICE, BOB);
        Contract t = c.toBuilder().setBody(c.getBody().toBuilder()
                .setNotAfter(c.getBody().getNotAfter().toBuilder().setSeconds(c.getBody().getNotAfter().getSeconds() + 86400))).build();
        assertRejected(pushToMain(change().contract("contracts/tampered.yaml", t)),
                "contracts/tampered.yaml: [signature-invalid] participant alice",
                "contracts/tampered.yaml: [signature-invalid] participant bob");
    }

    @Test
    void wrongFingerprint() throws Exception {
        Contract d = TestZone.draft("wrong-hash", ALICE, BOB);
        d = d.toBuilder().setBody(d.getBody().toBuilder().setParticipants(1,
                d.getBody().getParticipants(1).toBuilder().setHash("00".repeat(32)))).build();
        assertRejected(pushToMain(change().contract("contracts/wrong-hash.yaml", BOB.sign(ALICE.sign(d)))),
                "contracts/wrong-hash.yaml: [hash-mismatch] participant bob");
    }

    @Test
    void nonCaParticipant() throws Exception {
        KeyPair keys = KeyType.EC_P256.generate();
        X509Certificate leaf = CertificateIssuer.issue(CAROL.root, CAROL.rootKeys.getPrivate(),
                new X500Name("CN=leaf.carol"), keys.getPublic(), CertificateProfile.TLS,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(30)), List.of());
        Contract d = ContractDraft.create("leafy", List.of(ALICE.zone(), new ContractDraft.Zone("mallory", leaf, "")),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(30));
        assertRejected(pushToMain(change().contract("contracts/leafy.yaml", ALICE.sign(d))),
                "contracts/leafy.yaml: [not-ca] participant mallory");
    }

    @Test
    void expired() throws Exception {
        Contract d = ContractDraft.create("old", List.of(ALICE.zone(), BOB.zone()),
                TestZone.NOW.minus(Duration.ofDays(20)), Duration.ofDays(10));
        assertRejected(pushToMain(change().contract("contracts/old.yaml", BOB.sign(ALICE.sign(d)))),
                "contracts/old.yaml: [expired] the contract expired at");
    }

    @Test
    void duplicateId() throws Exception {
        Contract first = TestZone.signed("first", ALICE, CAROL);
        Contract d = TestZone.draft("second", BOB, CAROL);
        d = d.toBuilder().setBody(d.getBody().toBuilder().setId(first.getBody().getId())).build();
        Fixture.Pushed p = pushToMain(change().contract("contracts/first.yaml", first)
                .contract("contracts/second.yaml", CAROL.sign(BOB.sign(d))));
        assertRejected(p, "contracts/first.yaml: [duplicate-id] id " + first.getBody().getId()
                + " is also used by contracts/second.yaml", "contracts/second.yaml: [duplicate-id]");
    }

    @Test
    void fileNameNotMatchingContractName() throws Exception {
        assertRejected(pushToMain(change().contract("contracts/other-name.yaml", TestZone.signed("the-name", ALICE, BOB))),
                "contracts/other-name.yaml: [name] name 'the-name' does not match the file name 'other-name'");
    }

    @Test
    void symlink() throws Exception {
        assertRejected(pushToMain(change().symlink("contracts/link.yaml", "../README.md")),
                "contracts/link.yaml: [symlink] symbolic links are not allowed");
    }

    @Test
    void fileOutsideLayout() throws Exception {
        assertRejected(pushToMain(change().put("contracts/notes.txt", "hello".getBytes())
                        .put("contracts/nested/x.yaml", "x".getBytes())),
                "contracts/notes.txt: [unexpected-file]", "contracts/nested/x.yaml: [unexpected-file]");
    }

    @Test
    void oversizedFile() throws Exception {
        byte[] big = new byte[300 * 1024];
        java.util.Arrays.fill(big, (byte) '#');
        assertRejected(pushToMain(change().put("contracts/big.yaml", big)),
                "contracts/big.yaml: [file-too-large] 307200 bytes (at most 262144)");
    }

    @Test
    void forcePush() throws Exception {
        Fixture.Pushed first = pushToMain(change().contract("contracts/ff.yaml", TestZone.signed("ff", ALICE, CAROL)));
        assertThat(first.ok()).as(first.remote()).isTrue();
        // a sibling of the accepted commit, pushed with force: history would be rewritten
        ObjectId sibling = Fixture.commit(git, main.name(), change().put("README.md", "rewritten\n".getBytes()));
        ObjectId accepted = Fixture.fetchMain(git);
        Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), true, sibling, "main");
        assertThat(p.status()).isEqualTo(RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
        assertThat(p.message()).contains("non-fast-forward: main only moves forward");
        assertThat(Fixture.fetchMain(git)).isEqualTo(accepted);
    }

    @Test
    void deletingMain() throws Exception {
        Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), false, null, "main");
        assertThat(p.status()).isEqualTo(RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
        assertThat(p.message()).contains("main cannot be deleted");
        assertThat(Fixture.fetchMain(git)).isEqualTo(main);
    }

    @Test
    void noCredentials() throws Exception {
        ObjectId c = Fixture.commit(git, main.name(), change().contract("contracts/anon.yaml", TestZone.signed("anon", ALICE, BOB)));
        assertThatThrownBy(() -> Fixture.push(git, null, false, c, "main"))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("Authentication is required");
        assertThat(Fixture.fetchMain(git)).isEqualTo(main);
    }

    @Test
    void wrongPassword() throws Exception {
        ObjectId c = Fixture.commit(git, main.name(), change().contract("contracts/wrong.yaml", TestZone.signed("wrong", ALICE, BOB)));
        assertThatThrownBy(() -> Fixture.push(git, new UsernamePasswordCredentialsProvider(Fixture.USER, "guess"),
                false, c, "main"))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("not authorized");
        assertThat(Fixture.fetchMain(git)).isEqualTo(main);
    }

    @Test
    void multiRefPushIsAllOrNothing() throws Exception {
        ObjectId good = Fixture.commit(git, main.name(), change().contract("contracts/pair.yaml",
                ALICE.sign(TestZone.draft("pair", ALICE, BOB))));
        ObjectId bad = Fixture.commit(git, main.name(), change().put("contracts/bad.txt", "x".getBytes()));
        Fixture.Pushed p = Fixture.push(git, Fixture.credentials(), false, good, "proposals/pair", bad, "main");
        assertThat(p.updates()).allSatisfy(u -> assertThat(u.getStatus()).isNotEqualTo(RemoteRefUpdate.Status.OK));
        assertThat(fx.server.repository().branch("proposals/pair")).isEmpty();
        assertThat(Fixture.fetchMain(git)).isEqualTo(main);
    }

    @Test
    void expiredFileAlreadyOnMainWarnsButDoesNotBlockOtherChanges() throws Exception {
        // validity is judged by the server's clock: a contract on main that ages out only warns later pushes
        Fixture.Pushed p = pushToMain(change().contract("contracts/aging.yaml", TestZone.signed("aging", BOB, CAROL)));
        assertThat(p.ok()).as(p.remote()).isTrue();
        ObjectId head = Fixture.fetchMain(git);
        TreeValidator v = new TreeValidator(fx.server.repository().git(), new dev.trustcontracts.core.tree.TreeScanner(),
                dev.trustcontracts.core.tree.ScanLimits.DEFAULT);
        ObjectId next = Fixture.commit(git, head.name(), change().put("README.md", "notes\n".getBytes()));
        Fixture.push(git, Fixture.credentials(), false, next, "scratch"); // makes the objects known to the server
        TreeValidator.Verdict later = v.forMain(v.scan(head), next, TestZone.NOW.plus(Duration.ofDays(400)));
        assertThat(later.accepted()).isTrue();
        assertThat(later.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("contracts/aging.yaml: [expired]"));
        TreeValidator.Verdict touched = v.forMain(v.scan(head), head, TestZone.NOW.plus(Duration.ofDays(400)));
        assertThat(touched.accepted()).as("unchanged tree vs itself: nothing changed, so nothing blocks").isTrue();
    }
}
