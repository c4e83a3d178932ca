package dev.trustcontracts.core.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.proto.v1.CachedBound;
import dev.trustcontracts.proto.v1.CachedProblem;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.VerificationCache;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifications persisted across restarts, so that a server or agent that starts again does not verify every
 * signature of every contract again (docs/BENCHMARKS.md, "Restart").
 *
 * <p>What is kept: per file, keyed by its Git blob id and path, the time-independent problems and the time
 * bounds the verifier found. A restored verification is judged against the clock at every use like a fresh
 * one, so a cached "valid" never outlives its earliest bound. Everything else a verification depends on is
 * part of the key: the content (blob id, and a SHA-256 checked again at use), the rules ({@link
 * ContractVerifier#RULES_VERSION}) and the configuration ({@link ContractVerifier#maxWindow()}); a file
 * written under another version or window is ignored. Rules across files or across history (unique ids,
 * replays, removals) are never cached here.
 *
 * <p>The file is local state, not input: it is written atomically (0600) and authenticated with HMAC-SHA256
 * under a key of its own ({@link #KEY_FILE}, 0600, made at first use). A file that is missing, truncated,
 * corrupt, of another version or with a wrong MAC is ignored with one log line: everything is verified again.
 * The MAC keeps out a cache copied from elsewhere and one written by anyone who can write the cache file but
 * not read the key; whoever can replace the key can also replace the agent's or server's other state (docs).
 */
public final class VerificationStore {
    /** The cache, in the state directory. */
    public static final String FILE = "verification-cache.bin";
    /** Its HMAC key (32 random bytes, 0600). */
    public static final String KEY_FILE = "verification-cache.key";

    private static final Logger LOG = LoggerFactory.getLogger(VerificationStore.class);
    private static final int FORMAT = 1;
    private static final int KEY_BYTES = 32;
    private static final int MAC_BYTES = 32;
    /** At most this many verifications are kept (the least recently used go first), as in the scanner's memory. */
    private static final int MAX_ENTRIES = 200_000;

    private final Path file;
    private final byte[] key;
    private final ContractVerifier verifier;
    /** What the file held at open, by "blobId path". */
    private final Map<String, CachedVerification> loaded;
    /** What this process verified or restored: what the next save writes. */
    private final Map<String, CachedVerification> used = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedVerification> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    private boolean dirty;
    private int restored;

    private VerificationStore(Path file, byte[] key, ContractVerifier verifier, Map<String, CachedVerification> loaded) {
        this.file = file;
        this.key = key;
        this.verifier = verifier;
        this.loaded = loaded;
    }

    /**
     * Opens the store in {@code dir} for {@code verifier}: reads the cache when it is sound, and never fails
     * for a bad cache (logged, then ignored). Fails only when the directory or the key cannot be made.
     */
    public static VerificationStore open(Path dir, ContractVerifier verifier) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        Optional<byte[]> key = key(dir.resolve(KEY_FILE));
        if (key.isEmpty()) {
            return new VerificationStore(null, null, verifier, Map.of());
        }
        Map<String, CachedVerification> loaded;
        try {
            loaded = read(file, key.get(), verifier);
        } catch (NoSuchFileException e) {
            loaded = Map.of();
        } catch (IOException e) {
            LOG.warn("ignoring the verification cache {}: {}; every contract is verified again", file, e.getMessage());
            loaded = Map.of();
        }
        return new VerificationStore(file, key.get(), verifier, loaded);
    }

    /** How many verifications the file held when opened. */
    public int loadedEntries() {
        return loaded.size();
    }

    /** How many verifications were restored from the file rather than made again. */
    public synchronized int restoredEntries() {
        return restored;
    }

    /**
     * The verification of {@code content} at {@code path} from the cache, or empty when there is none that
     * was made for this content, these rules and this configuration.
     */
    public synchronized Optional<Verification> restore(String blobId, String path, byte[] content) {
        String k = blobId + ' ' + path;
        CachedVerification c = loaded.get(k);
        if (c == null || !MessageDigest.isEqual(c.getContentSha256().toByteArray(), sha256(content))) {
            return Optional.empty();
        }
        List<Problem> problems = new ArrayList<>();
        c.getProblemsList().forEach(p -> problems.add(new Problem(path, p.getLine(), Rule.valueOf(p.getRule()),
                p.getHasParticipant() ? p.getParticipant() : null, p.getMessage())));
        List<TimeBound> bounds = new ArrayList<>();
        c.getBoundsList().forEach(b -> bounds.add(new TimeBound(Rule.valueOf(b.getRule()),
                b.getHasParticipant() ? b.getParticipant() : null, b.getWhat(),
                Instant.ofEpochSecond(b.getNotBeforeSeconds(), b.getNotBeforeNanos()),
                Instant.ofEpochSecond(b.getNotAfterSeconds(), b.getNotAfterNanos()))));
        Optional<Verification> v = verifier.restore(path, content, problems, bounds);
        if (v.isPresent()) {
            used.put(k, c);
            restored++;
        }
        return v;
    }

    /** Records a verification just made, for the next {@link #save}; files that did not parse are not kept. */
    public synchronized void record(String blobId, String path, byte[] content, Verification v) {
        if (key == null || v.contract().isEmpty()) {
            return;
        }
        CachedVerification.Builder c = CachedVerification.newBuilder().setBlobId(blobId).setPath(path)
                .setContentSha256(ByteString.copyFrom(sha256(content)));
        for (Problem p : v.staticProblems()) {
            c.addProblems(CachedProblem.newBuilder().setLine(p.line()).setRule(p.rule().name())
                    .setHasParticipant(p.participant() != null)
                    .setParticipant(p.participant() == null ? "" : p.participant()).setMessage(p.message()));
        }
        for (TimeBound b : v.bounds()) {
            c.addBounds(CachedBound.newBuilder().setRule(b.rule().name()).setHasParticipant(b.participant() != null)
                    .setParticipant(b.participant() == null ? "" : b.participant()).setWhat(b.what())
                    .setNotBeforeSeconds(b.notBefore().getEpochSecond()).setNotBeforeNanos(b.notBefore().getNano())
                    .setNotAfterSeconds(b.notAfter().getEpochSecond()).setNotAfterNanos(b.notAfter().getNano()));
        }
        used.put(blobId + ' ' + path, c.build());
        dirty = true;
    }

    /**
     * Writes what this process verified or restored, when something new was verified since the last save;
     * true when it wrote. A failure to write costs only speed at the next start: callers log it and go on.
     */
    public synchronized boolean save() throws IOException {
        if (key == null || !dirty) {
            return false;
        }
        byte[] body = VerificationCache.newBuilder().setFormat(FORMAT).setRulesVersion(ContractVerifier.RULES_VERSION)
                .setMaxWindowSeconds(verifier.maxWindow().toSeconds()).addAllEntries(used.values()).build()
                .toByteArray();
        byte[] out = Arrays.copyOf(mac(key, body), MAC_BYTES + body.length);
        System.arraycopy(body, 0, out, MAC_BYTES, body.length);
        AtomicFiles.write(file, out, AtomicFiles.PRIVATE);
        dirty = false;
        return true;
    }

    private static Map<String, CachedVerification> read(Path file, byte[] key, ContractVerifier verifier)
            throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAC_BYTES) {
            throw new IOException("truncated (" + all.length + " bytes)");
        }
        byte[] body = Arrays.copyOfRange(all, MAC_BYTES, all.length);
        if (!MessageDigest.isEqual(Arrays.copyOf(all, MAC_BYTES), mac(key, body))) {
            throw new IOException("its MAC does not match this key (corrupt, truncated, or not written here)");
        }
        VerificationCache cache;
        try {
            cache = VerificationCache.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("it does not parse: " + e.getMessage());
        }
        if (cache.getFormat() != FORMAT || cache.getRulesVersion() != ContractVerifier.RULES_VERSION) {
            throw new IOException("written for format " + cache.getFormat() + ", rules version "
                    + cache.getRulesVersion() + " (this is format " + FORMAT + ", rules version "
                    + ContractVerifier.RULES_VERSION + ")");
        }
        if (cache.getMaxWindowSeconds() != verifier.maxWindow().toSeconds()) {
            throw new IOException("written for a maximum contract window of " + cache.getMaxWindowSeconds()
                    + " s (now " + verifier.maxWindow().toSeconds() + " s)");
        }
        Map<String, CachedVerification> out = new HashMap<>(cache.getEntriesCount() * 2);
        for (CachedVerification c : cache.getEntriesList()) {
            try {
                c.getProblemsList().forEach(p -> Rule.valueOf(p.getRule()));
                c.getBoundsList().forEach(b -> Rule.valueOf(b.getRule()));
            } catch (IllegalArgumentException e) {
                throw new IOException("it names a rule this version does not have");
            }
            out.put(c.getBlobId() + ' ' + c.getPath(), c);
        }
        return out;
    }

    /** The key, made at first use; empty (the cache unused, logged) when it is open to others or unreadable. */
    private static Optional<byte[]> key(Path keyFile) throws IOException {
        if (!Files.exists(keyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] k = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(k);
            try {
                AtomicFiles.createNew(keyFile, k, AtomicFiles.PRIVATE);
                return Optional.of(k);
            } catch (FileAlreadyExistsException e) {
                // another process made it first: read theirs
            }
        }
        Optional<String> loose = SecretFiles.looseModeWarning(keyFile);
        if (loose.isPresent()) {
            LOG.warn("not using the verification cache: {}", loose.get());
            return Optional.empty();
        }
        byte[] k;
        try {
            k = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            LOG.warn("not using the verification cache: cannot read its key {}: {}", keyFile, e.getMessage());
            return Optional.empty();
        }
        if (k.length != KEY_BYTES) {
            LOG.warn("not using the verification cache: its key {} is not {} bytes; delete it and the cache",
                    keyFile, KEY_BYTES);
            return Optional.empty();
        }
        return Optional.of(k);
    }

    private static byte[] mac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
