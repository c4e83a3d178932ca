package dev.trustcontracts.conformance;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.PkiZone;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The people in every scenario. {@code alice} and {@code bob} are zones with a real PKI on a real port
 * (their agents get certificates from it) and an admin contract-signing certificate; {@code carol} is a
 * stranger's zone: no contract anyone signed should ever make a zone trust her root.
 */
final class Cast implements AutoCloseable {
    final PkiZone alice;
    final PkiZone bob;
    final TestZone carol = TestZone.create("carol");
    final TestZone dave = TestZone.create("dave");

    private Cast(PkiZone alice, PkiZone bob) {
        this.alice = alice;
        this.bob = bob;
    }

    static Cast assemble() throws IOException {
        Path dir = Files.createTempDirectory("conformance-zones");
        PkiZone a = PkiZone.start(dir.resolve("alice-ca"), "alice");
        return new Cast(a, PkiZone.start(dir.resolve("bob-ca"), "bob"));
    }

    static String hash(PkiZone z) {
        return Fingerprint.of(z.root());
    }

    static String hash(TestZone z) {
        return Fingerprint.of(z.root);
    }

    /** A contract between alice and bob signed by both admins, valid for a year. */
    Contract aliceBob(String name) {
        return PkiZone.between(name, alice, bob);
    }

    /** A contract between alice and bob signed by both, valid from an hour ago for {@code validFor}. */
    Contract aliceBob(String name, Duration validFor) {
        Contract c = ContractDraft.create(name, List.of(alice.zone(), bob.zone()),
                Instant.now().minus(Duration.ofHours(1)), validFor.plusHours(1));
        return bob.sign(alice.sign(c));
    }

    /** A contract between alice and carol signed by both (alice's admin and carol's). */
    Contract aliceCarol(String name) {
        return alice.contractWith(name, carol);
    }

    @Override
    public void close() {
        alice.close();
        bob.close();
    }
}
