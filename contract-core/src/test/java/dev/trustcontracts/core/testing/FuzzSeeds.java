package dev.trustcontracts.core.testing;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The signed contracts the fuzz tests start from, committed as files so that every run (and every
 * regression input) sees the same bytes. They are also the oracle of "nothing unsigned becomes valid":
 * whatever a fuzz input turns into, a contract the verifier calls valid must be one of these.
 *
 * <p>Regenerate (new keys, new window; then refresh the seed copies in the *Inputs directories) with
 * {@code mvn -o -pl contract-core -am test -Dtest=FuzzSeedsTest -Dfuzz.writeSeeds=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
public final class FuzzSeeds {
    /** Resource directory of the seed files. */
    public static final String DIR = "/dev/trustcontracts/core/testing/fuzz/";
    /**
     * The signed seed contracts, each in both forms: {@code <name>.yaml} and {@code <name>.pb}. They predate
     * next roots (the format's first change) and are pinned by FormatCompatibilityTest. (Fuzz inputs pick
     * from this list by index, so it keeps its length: a new seed goes into {@link #SIGNED_SINCE}.)
     */
    public static final List<String> SIGNED = List.of("alice-bob", "carol-dave");
    /** Signed seeds added later, in both forms: rotation's alice lists a next root and signs with each root. */
    public static final List<String> SIGNED_SINCE = List.of("rotation");

    private FuzzSeeds() {
    }

    /** Read on first use, so that {@link #write} works before the files exist. */
    private static final class Known {
        static final List<Contract> CONTRACTS = java.util.stream.Stream.concat(SIGNED.stream(), SIGNED_SINCE.stream())
                .map(n -> parse(resource(n + ".yaml"), ContractFormat.YAML)).toList();
        static final Instant AT = CONTRACTS.stream()
                .map(c -> Instant.ofEpochSecond(c.getBody().getNotBefore().getSeconds()))
                .max(Instant::compareTo).orElseThrow().plus(Duration.ofDays(1));
    }

    /** The signed seed contracts: the only contracts a fuzzed input may ever turn into a valid one. */
    public static List<Contract> signedContracts() {
        return Known.CONTRACTS;
    }

    /** An instant inside every seed contract's window: a valid seed is valid then, on any later day too. */
    public static Instant at() {
        return Known.AT;
    }

    /** The bytes of a seed file, by file name. */
    public static byte[] resource(String name) {
        try (InputStream in = FuzzSeeds.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fuzz seed " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Contract parse(byte[] bytes, ContractFormat format) {
        try {
            return ContractCodec.parse(bytes, format);
        } catch (ContractFormatException e) {
            throw new IllegalStateException("fuzz seed does not parse: " + e.getMessage(), e);
        }
    }

    /** Writes fresh seed files under {@code resources} (a test resources root). */
    static void write(Path resources) throws IOException {
        Path dir = resources.resolve(DIR.substring(1));
        Files.createDirectories(dir);
        TestZone alice = TestZone.create("alice");
        TestZone bob = TestZone.create("bob");
        TestZone carol = TestZone.create("carol", KeyType.ED25519);
        TestZone dave = TestZone.create("dave", KeyType.RSA);
        writeContract(dir, TestZone.signed("alice-bob", alice, bob));
        writeContract(dir, TestZone.signed("carol-dave", carol, dave));
        writeRotation(dir);
        Files.writeString(dir.resolve("draft.yaml"), ContractCodec.toYaml(TestZone.draft("draft", alice, carol)));
        Files.writeString(dir.resolve("root.pem"), Pem.encode(alice.root));
        Files.writeString(dir.resolve("chain.pem"), Pem.encode(dave.chain()));
    }

    /** The rotation seed alone: alice with a current and a next root, each of which signs, and bob. */
    static void writeRotation(Path dir) throws IOException {
        TestZone alice = TestZone.create("alice");
        TestZone aliceNext = TestZone.create("alice");
        TestZone bob = TestZone.create("bob", KeyType.ED25519);
        Contract draft = ContractDraft.create("rotation", List.of(
                new ContractDraft.Zone("alice", alice.root, "alice.example", aliceNext.root), bob.zone()),
                TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        writeContract(dir, bob.sign(aliceNext.sign(alice.sign(draft))));
    }

    private static void writeContract(Path dir, Contract c) throws IOException {
        String name = c.getBody().getName();
        Files.write(dir.resolve(name + ".yaml"), ContractCodec.serialize(c, ContractFormat.YAML));
        Files.write(dir.resolve(name + ".pb"), ContractCodec.serialize(c, ContractFormat.PROTOBUF));
    }
}
