package dev.trustcontracts.bench;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.testing.TestZone;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Contract verifications per second on one thread: two-participant contracts in YAML, each zone with a
 * root and an admin signing certificate, as the repo-server and agents verify them. Distinct contracts
 * between a pool of zones, so the signer-chain cache behaves as in a real repository (zones sign many
 * contracts), while every contract's own signatures are verified.
 *
 * <p>Arguments: {@code [ec|rsa|ed25519|ec-p384] [contracts=2000] [zones=20] [rounds=5]}.
 */
final class VerifyBench {
    private VerifyBench() {
    }

    static void run(String[] args) {
        KeyType type = args.length > 0 ? keyType(args[0]) : KeyType.EC_P256;
        int contracts = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int zoneCount = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;

        List<TestZone> zones = new ArrayList<>();
        for (int i = 0; i < zoneCount; i++) {
            zones.add(TestZone.create("zone" + i, type));
        }
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < contracts; i++) {
            TestZone a = zones.get(i % zoneCount);
            TestZone b = zones.get((i / zoneCount + i + 1) % zoneCount);
            if (a == b) {
                b = zones.get((i + 1) % zoneCount);
            }
            files.add(ContractCodec.toYaml(TestZone.signed("c" + i, a, b)).getBytes(StandardCharsets.UTF_8));
        }
        System.out.printf("verify: %s, %d two-participant contracts, %d zones, one thread%n",
                type.id(), contracts, zoneCount);
        Instant now = Instant.now();
        ContractVerifier verifier = new ContractVerifier();
        for (int r = 1; r <= rounds; r++) {
            long start = System.nanoTime();
            int valid = 0;
            for (int i = 0; i < files.size(); i++) {
                if (verifier.problems("contracts/c" + i + ".yaml", files.get(i), now).isEmpty()) {
                    valid++;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (valid != contracts) {
                throw new IllegalStateException("only " + valid + " of " + contracts + " verified");
            }
            System.out.printf("round %d: %.0f contracts/s (%.1f us each)%n", r, contracts / secs,
                    secs * 1e6 / contracts);
        }
    }

    private static KeyType keyType(String s) {
        return switch (s) {
            case "ec", "ec-p256" -> KeyType.EC_P256;
            default -> KeyType.fromId(s);
        };
    }
}
