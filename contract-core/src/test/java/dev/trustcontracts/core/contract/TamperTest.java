package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A changed byte anywhere in a signed file never yields a valid contract that differs from the original. */
class TamperTest {
    @Test
    void everyFlippedByteOfTheBinaryFormIsCaught() throws Exception {
        Contract c = TestZone.signed("alice-bob", TestZone.create("alice"), TestZone.create("bob"));
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
