package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.core.contract.VerificationCacheFile;
import dev.trustcontracts.proto.v1.CacheHeader;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persisted verifications (a restart's cache) against a real Git repository and real files: a warm
 * start gives exactly what a full verification gives, and each attack on the cache file is ignored.
 */
class VerificationStoreTest {
    static final ScanLimits LIMITS = new ScanLimits(64 * 1024, 100);
    static final Instant NOW = TestZone.NOW;
    static TestZone alice;
    static TestZone bob;
    static TestZone carol;

    @TempDir
    Path repoDir;
    @TempDir
    Path state;
    Git git;
    ObjectId head;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
        carol = TestZone.create("carol");
    }

    /** A tree with two valid contracts and one whose signature was changed after signing. */
    @BeforeEach
    void repository() throws Exception {
        git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call();
        write("contracts/alice-bob.yaml", TestZone.signed("alice-bob", alice, bob));
        write("contracts/alice-carol.yaml", TestZone.signed("alice-carol", alice, carol));
        write("contracts/forged.yaml", badSignature(TestZone.signed("forged", bob, carol)));
        git.add().addFilepattern(".").call();
        head = git.commit().setMessage("c").setSign(false).setAuthor("t", "t@example")
                .setCommitter("t", "t@example").call();
    }

    static Contract badSignature(Contract c) {
        byte[] v = c.getSignatures(0).getValue().toByteArray();
        v[v.length / 2] ^= 1;
        return c.toBuilder().setSignatures(0, c.getSignatures(0).toBuilder().setValue(ByteString.copyFrom(v))).build();
    }

    void write(String path, Contract c) throws Exception {
        Path p = repoDir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, ContractCodec.toYaml(c));
    }

    /** One "process": a fresh verifier and store opened on the state directory, scanning main at {@code now}. */
    Run start(Duration window, Instant now) throws Exception {
        ContractVerifier verifier = new ContractVerifier(window);
        VerificationStore store = VerificationStore.open(state, verifier);
        TreeScanner scanner = new TreeScanner(verifier, LIMITS, store);
        ScanResult r = scanner.scan(new GitTree(git.getRepository(), head, 1 << 20), now);
        scanner.persist();
        return new Run(r, store.restoredEntries());
    }

    Run start() throws Exception {
        return start(ContractVerifier.DEFAULT_MAX_WINDOW, NOW);
    }

    record Run(ScanResult result, int restored) {
        List<String> valid() {
            return result.valid().stream().map(c -> c.contract().getBody().getName()).sorted().toList();
        }
    }

    ScanResult uncached(Duration window, Instant now) throws Exception {
        return new TreeScanner(new ContractVerifier(window), LIMITS)
                .scan(new GitTree(git.getRepository(), head, 1 << 20), now);
    }

    /** The cache file's header and records. */
    record Cache(CacheHeader header, List<CachedVerification> entries) {
        Cache with(List<CachedVerification> changed) {
            return new Cache(header.toBuilder().setEntries(changed.size()).build(), changed);
        }
    }

    /** Reads the cache with its key (the test can read it; an attacker in these tests cannot). */
    static Cache readWithKey(Path state) throws Exception {
        byte[] key = Files.readAllBytes(state.resolve(VerificationStore.KEY_FILE));
        CacheHeader[] header = {null};
        List<CachedVerification> entries = VerificationCacheFile.read(state.resolve(VerificationStore.FILE), key,
                h -> header[0] = h, e -> e);
        return new Cache(header[0], entries);
    }

    /** Writes the cache under {@code key}: the store's own key, or any other one (all an attacker can use). */
    static void write(Path state, byte[] key, Cache cache) throws Exception {
        VerificationCacheFile.write(state.resolve(VerificationStore.FILE), key, cache.header(),
                cache.entries().iterator());
    }

    static byte[] otherKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** Rewrites the cache as someone holding the key would: only for the attacks beyond the MAC. */
    void rewriteWithKey(UnaryOperator<Cache> change) throws Exception {
        write(state, Files.readAllBytes(state.resolve(VerificationStore.KEY_FILE)), change.apply(readWithKey(state)));
    }

    /** The cache's entry for the forged contract, made to say what the entry of a valid one says (no problems). */
    static Cache claimForgedIsValid(Cache c) {
        List<CachedVerification> out = new ArrayList<>();
        for (CachedVerification e : c.entries()) {
            out.add(e.getPath().endsWith("forged.yaml") ? e.toBuilder().clearProblems().build() : e);
        }
        return c.with(out);
    }

    @Test
    void aWarmStartRestoresEveryVerificationAndGivesTheSameResult() throws Exception {
        Run cold = start();
        assertThat(cold.restored()).isZero();
        assertThat(cold.valid()).containsExactly("alice-bob", "alice-carol");
        assertThat(cold.result().problems()).anyMatch(p -> p.rule() == Rule.SIGNATURE_INVALID);
        assertThat(cold.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, NOW));

        Run warm = start();
        assertThat(warm.restored()).isEqualTo(3);
        assertThat(warm.result()).isEqualTo(cold.result());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(VerificationStore.FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                state.resolve(VerificationStore.KEY_FILE)))).isEqualTo("rw-------");
    }

    @Test
    void aCacheEditedWithoutTheKeyCannotMakeABadSignatureValid() throws Exception {
        start();
        // the attacker rewrites the entry (no problems for forged.yaml) but cannot compute the MAC under our key
        write(state, otherKey(), claimForgedIsValid(readWithKey(state)));

        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.valid()).containsExactly("alice-bob", "alice-carol");
        assertThat(after.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, NOW));
    }

    @Test
    void aCacheFromAnotherStateDirectoryIsIgnored(@TempDir Path other) throws Exception {
        start();
        // a cache made elsewhere (another key) that says forged.yaml is valid: copied over this one
        rewriteWithKey(c -> claimForgedIsValid(c));
        Files.copy(state.resolve(VerificationStore.FILE), other.resolve(VerificationStore.FILE));
        Files.delete(state.resolve(VerificationStore.FILE));
        Files.delete(state.resolve(VerificationStore.KEY_FILE));
        start();
        Files.copy(other.resolve(VerificationStore.FILE), state.resolve(VerificationStore.FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.valid()).containsExactly("alice-bob", "alice-carol");
    }

    @Test
    void anEntryIsUsedOnlyForItsBlobAtItsPath() throws Exception {
        start();
        // the same content under another name: the name rule depends on the path, so it is verified afresh
        Files.move(repoDir.resolve("contracts/alice-bob.yaml"), repoDir.resolve("contracts/renamed.yaml"));
        // and other content at a known path: verified afresh too
        write("contracts/alice-carol.yaml", TestZone.signed("alice-carol", alice, bob));
        git.add().addFilepattern(".").setUpdate(true).call();
        git.add().addFilepattern(".").call();
        head = git.commit().setMessage("c2").setSign(false).setAuthor("t", "t@example")
                .setCommitter("t", "t@example").call();
        Run after = start();
        assertThat(after.restored()).isEqualTo(1); // forged.yaml only
        assertThat(after.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, NOW));
        assertThat(after.valid()).containsExactly("alice-carol");
        assertThat(after.result().problems()).anyMatch(p -> p.file().endsWith("renamed.yaml"));
    }

    @Test
    void aCacheOfAnotherRulesVersionIsIgnored() throws Exception {
        start();
        rewriteWithKey(c -> {
            Cache forged = claimForgedIsValid(c);
            return new Cache(forged.header().toBuilder().setRulesVersion(ContractVerifier.RULES_VERSION - 1).build(),
                    forged.entries());
        });
        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.valid()).containsExactly("alice-bob", "alice-carol");
        assertThat(after.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, NOW));
    }

    @Test
    void aCacheMadeUnderAnotherMaximumWindowIsIgnored() throws Exception {
        assertThat(start().valid()).containsExactly("alice-bob", "alice-carol");
        // the contracts span 365 days: valid under the default 400, too long under 100
        Run shorter = start(Duration.ofDays(100), NOW);
        assertThat(shorter.restored()).isZero();
        assertThat(shorter.valid()).isEmpty();
        assertThat(shorter.result().problems()).anyMatch(p -> p.rule() == Rule.WINDOW_TOO_LONG);
        assertThat(shorter.result()).isEqualTo(uncached(Duration.ofDays(100), NOW));
    }

    @Test
    void aCachedValidContractPastItsEndAtRestartIsInvalid() throws Exception {
        assertThat(start().valid()).containsExactly("alice-bob", "alice-carol");
        Instant later = NOW.plus(Duration.ofDays(400));
        Run after = start(ContractVerifier.DEFAULT_MAX_WINDOW, later);
        assertThat(after.restored()).isEqualTo(3);
        assertThat(after.valid()).isEmpty();
        assertThat(after.result().problems()).anyMatch(p -> p.rule() == Rule.EXPIRED);
        assertThat(after.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, later));
    }

    @Test
    void aTruncatedOrGarbageCacheMeansAFullVerificationWithTheSameResult() throws Exception {
        ScanResult expected = start().result();
        byte[] all = Files.readAllBytes(state.resolve(VerificationStore.FILE));
        for (byte[] bad : List.of(Arrays.copyOf(all, all.length / 2), Arrays.copyOf(all, 10), new byte[0],
                "garbage, not a cache".repeat(20).getBytes(StandardCharsets.UTF_8))) {
            Files.write(state.resolve(VerificationStore.FILE), bad);
            Run after = start();
            assertThat(after.restored()).isZero();
            assertThat(after.result()).isEqualTo(expected);
        }
    }

    @Test
    void aKeyOpenToOthersDisablesTheCache() throws Exception {
        ScanResult expected = start().result();
        Files.setPosixFilePermissions(state.resolve(VerificationStore.KEY_FILE),
                PosixFilePermissions.fromString("rw-r--r--"));
        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.result()).isEqualTo(expected);
    }

    @Test
    void aNewFileIsVerifiedAndAddedToTheCache() throws Exception {
        start();
        write("contracts/bob-carol.yaml", TestZone.signed("bob-carol", bob, carol));
        git.add().addFilepattern(".").call();
        head = git.commit().setMessage("c2").setSign(false).setAuthor("t", "t@example")
                .setCommitter("t", "t@example").call();
        Run second = start();
        assertThat(second.restored()).isEqualTo(3);
        assertThat(second.valid()).containsExactly("alice-bob", "alice-carol", "bob-carol");
        assertThat(start().restored()).isEqualTo(4);
    }

    /** The file's bytes as a writer would lay them out, with {@code trailer} where the MAC goes. */
    static byte[] layout(CacheHeader header, List<CachedVerification> entries, byte[] trailer) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        header.writeDelimitedTo(out);
        for (CachedVerification e : entries) {
            e.writeDelimitedTo(out);
        }
        out.write(trailer);
        return out.toByteArray();
    }

    @Test
    void recordsReorderedDroppedOrAppendedUnderTheOldMacAreIgnored() throws Exception {
        ScanResult expected = start().result();
        Path file = state.resolve(VerificationStore.FILE);
        byte[] all = Files.readAllBytes(file);
        byte[] oldMac = Arrays.copyOfRange(all, all.length - 32, all.length);
        Cache c = readWithKey(state);
        assertThat(c.entries()).hasSize(3);
        List<CachedVerification> reordered = new ArrayList<>(c.entries());
        java.util.Collections.reverse(reordered);
        CachedVerification extra = claimForgedIsValid(c).entries().stream()
                .filter(e -> e.getPath().endsWith("forged.yaml")).findFirst().orElseThrow();
        List<byte[]> attacks = List.of(
                layout(c.header(), reordered, oldMac),
                layout(c.with(c.entries().subList(0, 2)).header(), c.entries().subList(0, 2), oldMac),
                // the forged record appended after the MAC, or in place of the MAC
                concat(all, layout(c.header(), List.of(), new byte[0]), extra.toByteArray()),
                layout(c.header(), List.of(c.entries().get(0), c.entries().get(1), extra), oldMac),
                // the header claiming one more record than there is: the MAC is read as a record
                layout(c.header().toBuilder().setEntries(4).build(), c.entries(), oldMac));
        for (byte[] bad : attacks) {
            Files.write(file, bad);
            Run after = start();
            assertThat(after.restored()).isZero();
            assertThat(after.result()).isEqualTo(expected);
        }
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void aCacheOfAnotherFormatIsIgnoredEvenUnderTheKey() throws Exception {
        ScanResult expected = start().result();
        rewriteWithKey(c -> {
            Cache forged = claimForgedIsValid(c);
            return new Cache(forged.header().toBuilder().setFormat(1).build(), forged.entries());
        });
        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.result()).isEqualTo(expected);
        // the format-1 layout (a MAC, then one message) does not even parse as a header
        byte[] formatOne = concat(otherKey(), Files.readAllBytes(state.resolve(VerificationStore.FILE)));
        Files.write(state.resolve(VerificationStore.FILE), formatOne);
        assertThat(start().restored()).isZero();
    }

    @Test
    void aRestoredContractIsTheParsedOneAndNoYamlIsNeeded() throws Exception {
        Run cold = start();
        Cache c = readWithKey(state);
        // every record carries the parsed contract, equal to what the YAML gives
        for (CachedVerification e : c.entries()) {
            Contract cached = e.getContract();
            byte[] yaml = Files.readAllBytes(repoDir.resolve(e.getPath()));
            assertThat(cached).isEqualTo(ContractCodec.parse(yaml, dev.trustcontracts.core.contract.ContractFormat.YAML));
        }
        Run warm = start();
        assertThat(warm.restored()).isEqualTo(3);
        assertThat(warm.result()).isEqualTo(cold.result());
    }

    @Test
    void aWriteWhoseCountDoesNotMatchLeavesTheLastCacheInPlace() throws Exception {
        start();
        Path file = state.resolve(VerificationStore.FILE);
        byte[] before = Files.readAllBytes(file);
        Cache c = readWithKey(state);
        byte[] key = Files.readAllBytes(state.resolve(VerificationStore.KEY_FILE));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VerificationCacheFile.write(file, key, c.header(),
                c.entries().subList(0, 2).iterator())).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("counts 3 entries but 2 were given");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (java.util.stream.Stream<Path> left = Files.list(state)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(VerificationStore.FILE,
                    VerificationStore.KEY_FILE);
        }
        assertThat(start().restored()).isEqualTo(3);
    }
}
