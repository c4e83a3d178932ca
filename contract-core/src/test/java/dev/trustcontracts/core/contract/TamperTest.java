package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A changed byte anywhere in a signed file never yields a valid contract that differs from the original. */
class TamperTest {
    @Test
    void everyFlippedByteOfTheBinaryFormIsCaught() throws Exception {
        flipEveryByte(TestZone.signed("alice-bob", TestZone.create("alice"), TestZone.create("bob")));
    }

    /** The same over a contract whose participant lists a next root and signed with each of its roots. */
    @Test
    void everyFlippedByteOfAContractWithANextRootIsCaught() throws Exception {
        TestZone alice = TestZone.create("alice");
        TestZone aliceNext = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        Contract draft = ContractDraft.create("alice-bob", List.of(
                new ContractDraft.Zone("alice", alice.root, "", aliceNext.root), bob.zone()),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        Contract c = bob.sign(aliceNext.sign(alice.sign(draft)));
        assertThat(c.getSignaturesCount()).isEqualTo(3);
        flipEveryByte(c);
    }

    private static void flipEveryByte(Contract c) {
        byte[] pb = ContractCodec.serialize(c, ContractFormat.PROTOBUF);
        ContractVerifier verifier = new ContractVerifier();
        Instant now = TestZone.NOW;
        assertThat(verifier.problems("contracts/alice-bob.pb", pb, now)).isEmpty();
        int stillValid = 0;
        for (int i = 0; i < pb.length; i++) {
            byte[] t = pb.clone();
            t[i] ^= 0x01;
            Verification v = verifier.verify("contracts/alice-bob.pb", t);
            if (v.validAt(now)) {
                // only possible where the flip does not change the parsed message (never, for protobuf)
                assertThat(v.contract()).contains(c);
                stillValid++;
            }
        }
        assertThat(stillValid).isZero();
    }
}
