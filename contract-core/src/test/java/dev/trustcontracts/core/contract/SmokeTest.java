package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void signedContractVerifies() {
        TestZone a = TestZone.create("alice");
        TestZone b = TestZone.create("bob");
        Contract c = TestZone.signed("alice-bob", a, b);
        String yaml = ContractCodec.toYaml(c);
        System.out.println(yaml);
        assertThat(new ContractVerifier().problems("contracts/alice-bob.yaml",
                yaml.getBytes(StandardCharsets.UTF_8), TestZone.NOW)).isEmpty();
    }
}
