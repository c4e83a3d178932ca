package dev.trustcontracts.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.contract.VerificationStore;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.VerificationCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

    /** Rewrites the cache as someone holding the key would (the test reads it): only for the attacks beyond the MAC. */
    void rewriteWithKey(UnaryOperator<VerificationCache> change) throws Exception {
        byte[] key = Files.readAllBytes(state.resolve(VerificationStore.KEY_FILE));
        byte[] all = Files.readAllBytes(state.resolve(VerificationStore.FILE));
        VerificationCache cache = change.apply(VerificationCache.parseFrom(Arrays.copyOfRange(all, 32, all.length)));
        byte[] body = cache.toByteArray();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] out = Arrays.copyOf(mac.doFinal(body), 32 + body.length);
        System.arraycopy(body, 0, out, 32, body.length);
        Files.write(state.resolve(VerificationStore.FILE), out);
    }

    /** The cache's entry for the forged contract, made to say what the entry of a valid one says. */
    static VerificationCache claimForgedIsValid(VerificationCache c, boolean keepHash) {
        CachedVerification good = c.getEntriesList().stream().filter(e -> e.getPath().endsWith("alice-bob.yaml"))
                .findFirst().orElseThrow();
        VerificationCache.Builder b = c.toBuilder();
        for (int i = 0; i < b.getEntriesCount(); i++) {
            CachedVerification e = b.getEntries(i);
            if (e.getPath().endsWith("forged.yaml")) {
                CachedVerification.Builder forged = e.toBuilder().clearProblems();
                if (!keepHash) {
                    forged.setContentSha256(good.getContentSha256());
                }
                b.setEntries(i, forged.build());
            }
        }
        return b.build();
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
        // the attacker rewrites the entry (no problems for forged.yaml) but cannot compute the MAC
        byte[] all = Files.readAllBytes(state.resolve(VerificationStore.FILE));
        VerificationCache forged = claimForgedIsValid(VerificationCache.parseFrom(Arrays.copyOfRange(all, 32,
                all.length)), true);
        byte[] body = forged.toByteArray();
        byte[] out = Arrays.copyOf(Arrays.copyOf(all, 32), 32 + body.length);
        System.arraycopy(body, 0, out, 32, body.length);
        Files.write(state.resolve(VerificationStore.FILE), out);

        Run after = start();
        assertThat(after.restored()).isZero();
        assertThat(after.valid()).containsExactly("alice-bob", "alice-carol");
        assertThat(after.result()).isEqualTo(uncached(ContractVerifier.DEFAULT_MAX_WINDOW, NOW));
    }

    @Test
    void aCacheFromAnotherStateDirectoryIsIgnored(@TempDir Path other) throws Exception {
        start();
        // a cache made elsewhere (another key) that says forged.yaml is valid: copied over this one
        rewriteWithKey(c -> claimForgedIsValid(c, true));
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
    void anEntryForOtherContentIsNotUsedEvenUnderTheKey() throws Exception {
        start();
        // stands for a blob id collision: the entry's SHA-256 is that of another file's content
        rewriteWithKey(c -> claimForgedIsValid(c, false));
        Run after = start();
        assertThat(after.restored()).isEqualTo(2);
        assertThat(after.valid()).containsExactly("alice-bob", "alice-carol");
        assertThat(after.result().problems()).anyMatch(p -> p.rule() == Rule.SIGNATURE_INVALID);
    }

    @Test
    void aCacheOfAnotherRulesVersionIsIgnored() throws Exception {
        start();
        rewriteWithKey(c -> claimForgedIsValid(c, true).toBuilder()
                .setRulesVersion(ContractVerifier.RULES_VERSION - 1).build());
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
}
