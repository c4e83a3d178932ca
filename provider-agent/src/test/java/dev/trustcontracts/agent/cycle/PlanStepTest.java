package dev.trustcontracts.agent.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.agent.output.CanonicalKey;
import dev.trustcontracts.agent.output.OutputWriter.Output;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.OnChangeHook;
import dev.trustcontracts.agent.output.OutputWriter;
import dev.trustcontracts.agent.output.SpiffeOutputs;
import dev.trustcontracts.agent.pki.OwnRoots;
import dev.trustcontracts.agent.pki.ZoneMaterial;
import dev.trustcontracts.agent.remote.GitMirror;
import dev.trustcontracts.agent.status.AgentStatus;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.core.tree.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plan step: which files of the {@link OutputLayout} a cycle writes with which mode, when the state file is
 * among them, what the --on-change command is owed, and that unchanged PKCS#12 files are reused byte for byte.
 */
class PlanStepTest {
    static final TestZone ALICE = TestZone.create("alice");
    static final char[] PASSWORD = "secret".toCharArray();

    @TempDir
    Path tmp;
    Path out;
    GitMirror mirror;
    AppliedState state;
    OutputWriter writer;

    @BeforeEach
    void setUp() throws Exception {
        out = tmp.resolve("out");
        Files.createDirectories(out);
        mirror = new GitMirror(tmp.resolve("mirror.git"), "file:///nowhere", null, Duration.ofSeconds(5));
        state = new AppliedState(new AgentStateStore(out));
        state.load();
        writer = new OutputWriter(out);
    }

    @AfterEach
    void tearDown() {
        mirror.close();
    }

    static ZoneMaterial zone(boolean withLeaf) {
        ZoneMaterial.Leaf leaf = null;
        if (withLeaf) {
            KeyPair k = KeyType.EC_P256.generate();
            X509Certificate c = CertificateIssuer.issue(ALICE.root, ALICE.rootKeys.getPrivate(),
                    new X500Name("CN=alice"), k.getPublic(), CertificateProfile.TLS, TestZone.NOW.minusSeconds(60),
                    TestZone.NOW.plus(Duration.ofDays(30)), List.of());
            leaf = new ZoneMaterial.Leaf(Pem.encode(c), CanonicalKey.pem(k.getPrivate()), k.getPrivate(),
                    List.of(c, ALICE.root));
        }
        return new ZoneMaterial(OwnRoots.of(ALICE.root), leaf, null, false, null);
    }

    DeriveStep.Derived derived(ZoneMaterial zone, boolean withBundle, ObjectId accepted, SyncException failure) {
        ZoneStep.Zoned zoned = new ZoneStep.Zoned(new StartStep.Started(TestZone.NOW, OnChangeRunner.Run.NONE), zone,
                null);
        HistoryStep.Judged judged = new HistoryStep.Judged(zoned, accepted, accepted, Map.of(), failure);
        return new DeriveStep.Derived(judged, withBundle ? TrustBundle.derive(zone.ownHash(), List.of()) : null, null);
    }

    PlanStep plan(OnChangeHook hook) {
        OnChangeRunner hooks = new OnChangeRunner(hook, state, writer, new AgentStatus(TestZone.NOW), java.time.Clock.systemUTC());
        OutputLayout layout = new OutputLayout(out);
        // SPIFFE output off, as without --spiffe-trust-domain-suffix
        return new PlanStep(mirror, state, writer, hooks, layout, PASSWORD,
                new SpiffeFiles(null, new SpiffeOutputs(layout), AgentConfig.DEFAULT_INTERVAL));
    }

    @ParameterizedTest(name = "certificate {0}, bundle {1}: {2}")
    @CsvSource({
        "true,  true,  key.pem cert.pem keystore.p12 ca.pem chain.pem truststore.p12 agent-state.json",
        "false, true,  ca.pem chain.pem truststore.p12 agent-state.json",
        "true,  false, key.pem cert.pem keystore.p12 ca.pem agent-state.json",
        "false, false, ca.pem agent-state.json",
    })
    void theFilesOfTheLayoutWithTheirModes(boolean withLeaf, boolean withBundle, String names) throws Exception {
        PlanStep.Plan p = plan(null).apply(derived(zone(withLeaf), withBundle, null, null));
        assertThat(p.outputs()).extracting(Output::name).containsExactly(names.split(" "));
        assertThat(OutputLayout.FILES).containsAll(Arrays.asList(names.split(" ")));
        for (Output o : p.outputs()) {
            boolean secret = o.name().equals(OutputLayout.KEY) || o.name().equals(OutputLayout.KEYSTORE);
            assertThat(o.mode()).as(o.name()).isEqualTo(secret ? AtomicFiles.PRIVATE : AtomicFiles.PUBLIC);
        }
        assertThat(p.writeState()).isTrue();
        assertThat(p.next().lastSuccess()).as("a synced cycle records its success").isEqualTo(TestZone.NOW);
        assertThat(p.next().keystore() != null).isEqualTo(withLeaf);
        assertThat(p.next().truststore() != null).isEqualTo(withBundle);
    }

    @Test
    void aSecondPlanOverUnchangedFilesWritesNothingAndReusesThePkcs12Bytes() throws Exception {
        ZoneMaterial zone = zone(true);
        PlanStep step = plan(null);
        PlanStep.Plan first = step.apply(derived(zone, true, null, null));
        writer.write(first.outputs());
        state.set(first.next());

        PlanStep.Plan second = step.apply(derived(zone, true, null, null));
        assertThat(second.writeState()).isFalse();
        assertThat(second.outputs()).extracting(Output::name).doesNotContain(OutputLayout.STATE);
        assertThat(writer.differing(second.outputs())).isEmpty();
        for (String p12 : List.of(OutputLayout.KEYSTORE, OutputLayout.TRUSTSTORE)) {
            byte[] planned = second.outputs().stream().filter(o -> o.name().equals(p12)).findFirst().orElseThrow()
                    .content();
            assertThat(planned).as(p12).isEqualTo(Files.readAllBytes(out.resolve(p12)));
        }
    }

    @Test
    void anAcceptedHeadIsRecordedAndAFailedSyncIsNotASuccess() throws Exception {
        ObjectId head = ObjectId.fromString("0123456789012345678901234567890123456789");
        PlanStep.Plan ok = plan(null).apply(derived(zone(false), true, head, null));
        assertThat(ok.next().appliedCommit()).isEqualTo(head.name());
        assertThat(ok.next().remote()).isEqualTo("file:///nowhere");

        PlanStep.Plan failed = plan(null).apply(derived(zone(false), true, null,
                new SyncException(FailureKind.REMOTE, "down")));
        assertThat(failed.writeState()).as("the outputs changed").isTrue();
        assertThat(failed.next().lastSuccess()).isNull();
        assertThat(failed.next().appliedCommit()).isNull();
    }

    @Test
    void theOnChangeCommandIsOwedTheFilesThatWillChangeAddedToWhatItStillOwes() throws Exception {
        state.set(state.current().withPendingHook(List.of(OutputLayout.CERT)));
        PlanStep.Plan p = plan(new OnChangeHook("true", out, Duration.ofSeconds(5)))
                .apply(derived(zone(false), true, null, null));
        assertThat(p.next().pendingHook()).containsExactly(OutputLayout.CERT, OutputLayout.CA, OutputLayout.CHAIN,
                OutputLayout.TRUSTSTORE);
        PlanStep.Plan without = plan(null).apply(derived(zone(false), true, null, null));
        assertThat(without.next().pendingHook()).containsExactly(OutputLayout.CERT);
    }
}
