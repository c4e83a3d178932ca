package dev.trustcontracts.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.AgentStateStore;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.CaRoot;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GetCA answers of a root rotation as the agent judges them: the next root announced by the pinned PKI is
 * learned and becomes a pin, the finish is followed and the old root retired; the attacks are refused with one
 * line: a next root announced by a PKI whose established root is not the pinned one, a next root that is not a CA,
 * a lying next-root hash, a downgrade to the retired root (also after a restart, from the state file), and a
 * retired root announced again as the next one.
 */
class RootPinRotationTest {
    static final TestZone ALICE = TestZone.create("alice");
    static final TestZone ALICE_NEXT = TestZone.create("alice");
    static final TestZone MALLORY = TestZone.create("alice");
    static final TestZone MALLORY_NEXT = TestZone.create("alice");

    @TempDir
    Path out;

    static CaRoot root(X509Certificate c, boolean issuing, boolean next) {
        return CaRoot.newBuilder().setCertificate(Pem.encode(c)).setHash(Fingerprint.of(c)).setIssuing(issuing)
                .setNext(next).build();
    }

    /** A PKI's answer: {@code established} as its root, and {@code next} announced (or null). */
    static GetCAResponse answer(X509Certificate established, X509Certificate next) {
        GetCAResponse.Builder b = GetCAResponse.newBuilder().setCertificate(Pem.encode(established))
                .setHash(Fingerprint.of(established)).setZone("alice").addRoots(root(established, true, false));
        if (next != null) {
            b.addRoots(root(next, false, true));
        }
        return b.build();
    }

    private PinSet pins(X509Certificate... pinned) {
        return new PinSet(Stream.of(pinned).map(c -> new PkiPin(Fingerprint.of(c), null)).toList());
    }

    /** Which root issues, as the keeper learns it from each step's answer: it renews a certificate of another root. */
    @Test
    void theDecisionNamesTheRootThatIssues() throws Exception {
        RootPin pin = new RootPin(pins(ALICE.root), new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        String old = Fingerprint.of(ALICE.root);
        String next = Fingerprint.of(ALICE_NEXT.root);
        assertThat(pin.judge(answer(ALICE.root, null)).issuing()).as("no rotation").isEqualTo(old);
        assertThat(pin.judge(answer(ALICE.root, ALICE_NEXT.root)).issuing()).as("started").isEqualTo(old);
        GetCAResponse switched = GetCAResponse.newBuilder().setCertificate(Pem.encode(ALICE.root)).setHash(old)
                .setZone("alice").addRoots(root(ALICE.root, false, false)).addRoots(root(ALICE_NEXT.root, true, true))
                .build();
        assertThat(pin.judge(switched).issuing()).as("switched").isEqualTo(next);
        assertThat(pin.judge(answer(ALICE_NEXT.root, null)).issuing()).as("finished").isEqualTo(next);
        // a PKI from before rotation lists no roots: its one root issues
        RootPin legacy = new RootPin(pins(ALICE.root), new OutputLayout(out.resolve("legacy")));
        legacy.restore(AgentState.Pki.NONE);
        assertThat(legacy.judge(GetCAResponse.newBuilder().setCertificate(Pem.encode(ALICE.root)).setHash(old).build())
                .issuing()).isEqualTo(old);
    }

    @Test
    void theNextRootOfThePinnedPkiIsLearnedAndTheFinishFollowed() throws Exception {
        PinSet pins = pins(ALICE.root);
        RootPin pin = new RootPin(pins, new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        assertThat(pin.judge(answer(ALICE.root, null)).roots()).isEqualTo(OwnRoots.of(ALICE.root));
        assertThat(pins.accepts(Fingerprint.of(ALICE_NEXT.root))).isFalse();

        RootPin.Decision started = pin.judge(answer(ALICE.root, ALICE_NEXT.root));
        assertThat(started.problem()).isNull();
        assertThat(started.roots().all()).containsExactly(ALICE.root, ALICE_NEXT.root);
        assertThat(pins.accepts(Fingerprint.of(ALICE_NEXT.root))).as("the pin follows").isTrue();

        RootPin.Decision finished = pin.judge(answer(ALICE_NEXT.root, null));
        assertThat(finished.roots()).isEqualTo(OwnRoots.of(ALICE_NEXT.root));
        assertThat(pins.accepts(Fingerprint.of(ALICE.root))).as("the old pin is retired").isFalse();
        assertThat(pin.memory().retired()).containsExactly(Fingerprint.of(ALICE.root));

        // a downgrade: the old root presented again (a restored old PKI, a replayed answer)
        assertThatThrownBy(() -> pin.judge(answer(ALICE.root, null))).isInstanceOf(SyncException.class)
                .hasMessage("the PKI's GetCA answer is the root sha256:" + Fingerprint.of(ALICE.root)
                        + ", which this zone retired at the end of a root rotation; refusing a downgrade to it");
        assertThatThrownBy(() -> pin.judge(answer(ALICE.root, ALICE_NEXT.root))).isInstanceOf(SyncException.class)
                .hasMessageContaining("refusing a downgrade");
        // the retired root announced as the next one again
        assertThatThrownBy(() -> pin.judge(answer(ALICE_NEXT.root, ALICE.root))).isInstanceOf(SyncException.class)
                .hasMessageContaining("announces the next root sha256:" + Fingerprint.of(ALICE.root)
                        + ", which this zone retired");

        // after a restart, from what the state file keeps (and with the operator's old pin still given)
        AgentState.Pki memory = AgentStateStore.parse(AgentStateStore.serialize(AgentState.empty().withPki(pin.memory())))
                .pki();
        PinSet restartedPins = pins(ALICE.root);
        RootPin restarted = new RootPin(restartedPins, new OutputLayout(out));
        restarted.restore(memory);
        assertThat(restarted.stored()).isEqualTo(OwnRoots.of(ALICE_NEXT.root));
        assertThat(restartedPins.accepted()).containsExactly(Fingerprint.of(ALICE_NEXT.root));
        assertThat(restarted.judge(answer(ALICE_NEXT.root, null)).problem()).isNull();
        assertThatThrownBy(() -> restarted.judge(answer(ALICE.root, null))).isInstanceOf(SyncException.class)
                .hasMessageContaining("refusing a downgrade");
    }

    @Test
    void aNextRootFromAPkiThatIsNotThePinnedOneIsRefused() throws Exception {
        PinSet pins = pins(ALICE.root);
        RootPin pin = new RootPin(pins, new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        pin.judge(answer(ALICE.root, null));
        // an impostor (its own CA, the same zone name) announcing alice's real next root, or its own
        for (X509Certificate next : List.of(ALICE_NEXT.root, MALLORY_NEXT.root)) {
            assertThatThrownBy(() -> pin.judge(answer(MALLORY.root, next))).isInstanceOf(SyncException.class)
                    .hasMessage("the PKI's GetCA answer is the root sha256:" + Fingerprint.of(MALLORY.root)
                            + ", not the pinned sha256:" + Fingerprint.of(ALICE.root)
                            + " (--pki-ca/--pki-fingerprint); refusing it");
        }
        assertThat(pins.accepted()).containsExactly(Fingerprint.of(ALICE.root));
        assertThat(pin.stored()).isEqualTo(OwnRoots.of(ALICE.root));
        // a PKI whose answer's established root is not alice's cannot announce one either (answers judged whole)
        assertThatThrownBy(() -> pin.judge(answer(MALLORY_NEXT.root, ALICE.root))).isInstanceOf(SyncException.class)
                .hasMessageContaining("not the pinned");
    }

    @Test
    void aNextRootThatIsNotACaOrLiesAboutItsHashIsRefused() throws Exception {
        PinSet pins = pins(ALICE.root);
        RootPin pin = new RootPin(pins, new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        assertThatThrownBy(() -> pin.judge(answer(ALICE.root, ALICE.signer))).isInstanceOf(SyncException.class)
                .hasMessageStartingWith("GetCA announces as its next root a certificate that is not a CA (sha256:"
                        + Fingerprint.of(ALICE.signer));
        GetCAResponse lying = answer(ALICE.root, null).toBuilder().addRoots(CaRoot.newBuilder()
                .setCertificate(Pem.encode(ALICE_NEXT.root)).setHash(Fingerprint.of(MALLORY.root)).setNext(true))
                .build();
        assertThatThrownBy(() -> pin.judge(lying)).isInstanceOf(SyncException.class)
                .hasMessageStartingWith("GetCA's next root hash " + Fingerprint.of(MALLORY.root));
        assertThat(pins.accepts(Fingerprint.of(ALICE.signer))).isFalse();
        assertThat(pins.accepts(Fingerprint.of(ALICE_NEXT.root))).isFalse();
        assertThat(pin.stored()).isNull();
    }

    @Test
    void twoPinsByHandAcceptTheNewRootWithoutHistory() throws Exception {
        PinSet pins = pins(ALICE.root, ALICE_NEXT.root);
        RootPin pin = new RootPin(pins, new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        assertThat(pin.judge(answer(ALICE_NEXT.root, null)).roots()).isEqualTo(OwnRoots.of(ALICE_NEXT.root));
        assertThat(ChannelOptions.builder().pkiFingerprint(Fingerprint.of(ALICE.root) + ","
                + Fingerprint.of(ALICE_NEXT.root)).build().pkiPins()).hasSize(2);
        assertThatThrownBy(() -> ChannelOptions.builder().pkiFingerprint("a,b,c").build().pkiPins())
                .hasMessageStartingWith("--pki-fingerprint is given at most twice");
    }

    @Test
    void withoutAPinTheRotationIsFollowedFromTheFirstRootAndAnUnrelatedRootIsNot() throws Exception {
        RootPin pin = new RootPin(new PinSet(List.of()), new OutputLayout(out));
        pin.restore(AgentState.Pki.NONE);
        pin.judge(answer(ALICE.root, null));
        assertThat(pin.judge(answer(ALICE.root, ALICE_NEXT.root)).roots().all()).hasSize(2);
        assertThat(pin.judge(answer(ALICE_NEXT.root, null)).roots()).isEqualTo(OwnRoots.of(ALICE_NEXT.root));
        RootPin.Decision other = pin.judge(answer(MALLORY.root, null));
        assertThat(other.roots()).isEqualTo(OwnRoots.of(ALICE_NEXT.root));
        assertThat(other.problem()).startsWith("the PKI now presents a different root (" + Fingerprint.of(MALLORY.root));
        assertThatThrownBy(() -> pin.judge(answer(ALICE.root, null))).hasMessageContaining("refusing a downgrade");
    }

    @Test
    void anOperatorWhoRePinsToAnotherRootIsObeyed() throws Exception {
        RootPin first = new RootPin(pins(ALICE.root), new OutputLayout(out));
        first.restore(AgentState.Pki.NONE);
        first.judge(answer(ALICE.root, null));
        // the operator now pins another zone root (a new PKI): the remembered alice root is not a pin any more
        PinSet repinned = pins(MALLORY.root);
        RootPin second = new RootPin(repinned, new OutputLayout(out));
        second.restore(first.memory());
        assertThat(second.stored()).isNull();
        assertThat(repinned.accepts(Fingerprint.of(ALICE.root))).isFalse();
        assertThat(second.judge(answer(MALLORY.root, null)).roots()).isEqualTo(OwnRoots.of(MALLORY.root));
    }
}
