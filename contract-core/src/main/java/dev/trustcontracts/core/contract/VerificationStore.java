package dev.trustcontracts.core.contract;

import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.proto.v1.CacheHeader;
import dev.trustcontracts.proto.v1.CachedBound;
import dev.trustcontracts.proto.v1.CachedProblem;
import dev.trustcontracts.proto.v1.CachedVerification;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifications persisted across restarts, so that a server or agent that starts again does not verify every
 * signature of every contract again (docs/BENCHMARKS.md, "Restart").
 *
 * <p>What is kept: per file, keyed by its Git blob id and path, the time-independent problems and the time
 * bounds the verifier found, and the parsed contract in its protobuf form, so that a restored file is neither
 * verified nor parsed from YAML again (the YAML parse was half of a restart once the signatures were cached). A restored verification is judged against the clock at every use like a fresh
 * one, so a cached "valid" never outlives its earliest bound. Everything else a verification depends on is
 * part of the key: the content (its Git blob id, with the path), the rules ({@link
 * ContractVerifier#RULES_VERSION}) and the configuration ({@link ContractVerifier#maxWindow()}); a file
 * written under another version or window is ignored. A hit reads no blob: the blob id is the name Git itself
 * stores the content under, and both Git implementations that put blobs into these repositories refuse the
 * known SHA-1 collision attacks (JGit's default SHA-1 and C git's sha1dc detect them; JGit's receive also
 * compares an object that already exists byte for byte). Format 1 checked a SHA-256 of the blob at every
 * use, which cost the read of every blob at a restart. Rules across files or across history (unique ids,
 * replays, removals) are never cached here.
 *
 * <p>The file is local state, not input: it is written atomically (0600) and authenticated as a whole with
 * HMAC-SHA256 under a key of its own ({@link #KEY_FILE}, 0600, made at first use). It is streamed one record at
 * a time both ways ({@link VerificationCacheFile}), so that its size never has to fit in memory at once; no
 * record is used before the MAC at its end has matched. A file that is missing, truncated, corrupt, of another
 * format or version or with a wrong MAC is ignored with one log line: everything is verified again.
 * The MAC keeps out a cache copied from elsewhere and one written by anyone who can write the cache file but
 * not read the key; whoever can replace the key can also replace the agent's or server's other state (docs).
 */
public final class VerificationStore {
    /** The cache, in the state directory. */
    public static final String FILE = "verification-cache.bin";
    /** Its HMAC key (32 random bytes, 0600). */
    public static final String KEY_FILE = "verification-cache.key";
    /** The layout of the file (verification_cache.proto); format 1 was one message holding every entry. */
    public static final int FORMAT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(VerificationStore.class);
    private static final int KEY_BYTES = 32;
    /** At most this many verifications are kept (the least recently used go first), as in the scanner's memory. */
    private static final int MAX_ENTRIES = 200_000;

    /** One verification and the blob id of the content it was made of. */
    private record Kept(String blobId, Verification verification) {
    }

    private final Path file;
    private final byte[] key;
    private final ContractVerifier verifier;
    /** What the file held at open and was not used yet, by "blobId path". */
    private final Map<String, Kept> loaded;
    private final int loadedCount;
    /** What this process verified or restored: what the next save writes. */
    private final Map<String, Kept> used = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    private boolean dirty;
    private int restored;

    private VerificationStore(Path file, byte[] key, ContractVerifier verifier, Map<String, Kept> loaded) {
        this.file = file;
        this.key = key;
        this.verifier = verifier;
        this.loaded = loaded;
        this.loadedCount = loaded.size();
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
            return new VerificationStore(null, null, verifier, new HashMap<>());
        }
        Map<String, Kept> loaded;
        try {
            loaded = read(file, key.get(), verifier);
        } catch (NoSuchFileException e) {
            loaded = new HashMap<>();
        } catch (IOException e) {
            LOG.warn("ignoring the verification cache {}: {}; every contract is verified again", file, e.getMessage());
            loaded = new HashMap<>();
        }
        return new VerificationStore(file, key.get(), verifier, loaded);
    }

    /** How many verifications the file held when opened. */
    public int loadedEntries() {
        return loadedCount;
    }

    /** How many verifications were restored from the file rather than made again. */
    public synchronized int restoredEntries() {
        return restored;
    }

    /**
     * The verification of the blob {@code blobId} at {@code path} from the cache, or empty when there is none
     * that was made for this blob at this path, these rules and this configuration. The blob is not read: the
     * entry carries the parsed contract, and the blob id names the content (see the class comment on SHA-1).
     */
    public synchronized Optional<Verification> restore(String blobId, String path) {
        String k = blobId + ' ' + path;
        Kept c = loaded.get(k);
        if (c == null) {
            c = used.get(k);
        }
        if (c == null) {
            return Optional.empty();
        }
        // used from now on: the next save keeps it, and the loaded copy is no longer needed in memory
        loaded.remove(k);
        used.put(k, c);
        restored++;
        return Optional.of(c.verification());
    }

    /** Records a verification just made, for the next {@link #save}; files that did not parse are not kept. */
    public synchronized void record(String blobId, String path, Verification v) {
        if (key == null || v.contract().isEmpty() || !v.path().equals(path)) {
            return;
        }
        used.put(blobId + ' ' + path, new Kept(blobId, v));
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
        CacheHeader header = CacheHeader.newBuilder().setFormat(FORMAT).setRulesVersion(ContractVerifier.RULES_VERSION)
                .setMaxWindowSeconds(verifier.maxWindow().toSeconds()).setEntries(used.size()).build();
        Iterator<Kept> kept = used.values().iterator();
        VerificationCacheFile.write(file, key, header, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return kept.hasNext();
            }

            @Override
            public CachedVerification next() {
                return entry(kept.next());
            }
        });
        dirty = false;
        return true;
    }

    /** One record, made at the moment it is written (so the records never exist all at once). */
    private static CachedVerification entry(Kept k) {
        Verification v = k.verification();
        CachedVerification.Builder c = CachedVerification.newBuilder().setBlobId(k.blobId()).setPath(v.path())
                .setContract(v.contract().orElseThrow());
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
        return c.build();
    }

    private static Map<String, Kept> read(Path file, byte[] key, ContractVerifier verifier) throws IOException {
        List<Kept> entries = VerificationCacheFile.read(file, key, header -> {
            if (header.getFormat() != FORMAT || header.getRulesVersion() != ContractVerifier.RULES_VERSION) {
                throw new IOException("written for format " + header.getFormat() + ", rules version "
                        + header.getRulesVersion() + " (this is format " + FORMAT + ", rules version "
                        + ContractVerifier.RULES_VERSION + ")");
            }
            if (header.getMaxWindowSeconds() != verifier.maxWindow().toSeconds()) {
                throw new IOException("written for a maximum contract window of " + header.getMaxWindowSeconds()
                        + " s (now " + verifier.maxWindow().toSeconds() + " s)");
            }
            if (header.getEntries() < 0 || header.getEntries() > MAX_ENTRIES) {
                throw new IOException("it claims " + Integer.toUnsignedString(header.getEntries())
                        + " entries (at most " + MAX_ENTRIES + ")");
            }
        }, new SharedText()::kept);
        Map<String, Kept> out = new HashMap<>(entries.size() * 2);
        for (Kept k : entries) {
            out.put(k.blobId() + ' ' + k.verification().path(), k);
        }
        return out;
    }

    /**
     * Turns records into verifications while reading one file, sharing equal texts between contracts: the
     * certificates (roots and signer chains), hashes and names that thousands of contracts repeat are held
     * once, as they would be after a parse that shares them. Without this, 10,000 restored contracts held
     * each of their certificates' PEM text once per contract (tens of MiB, the agent's whole heap).
     */
    private static final class SharedText {
        private final Map<String, String> texts = new HashMap<>();

        private String shared(String s) {
            String seen = texts.putIfAbsent(s, s);
            return seen == null ? s : seen;
        }

        private Contract share(Contract parsed) {
            Contract.Builder b = parsed.toBuilder();
            for (dev.trustcontracts.proto.v1.Participant.Builder p : b.getBodyBuilder().getParticipantsBuilderList()) {
                p.setName(shared(p.getName())).setCertificate(shared(p.getCertificate())).setHash(shared(p.getHash()))
                        .setTrustDomain(shared(p.getTrustDomain()));
                if (p.hasNext()) {
                    p.getNextBuilder().setCertificate(shared(p.getNext().getCertificate()))
                            .setHash(shared(p.getNext().getHash()));
                }
            }
            for (dev.trustcontracts.proto.v1.Signature.Builder sig : b.getSignaturesBuilderList()) {
                sig.setParticipant(shared(sig.getParticipant())).setAlgorithm(shared(sig.getAlgorithm()));
                for (int i = 0; i < sig.getCertificateChainCount(); i++) {
                    sig.setCertificateChain(i, shared(sig.getCertificateChain(i)));
                }
            }
            return b.build();
        }

        Kept kept(CachedVerification c) throws IOException {
            return VerificationStore.kept(c, this);
        }
    }

    /** A record as the verification it stands for; the contract parsed from protobuf, not YAML. */
    private static Kept kept(CachedVerification c, SharedText text) throws IOException {
        String path = c.getPath();
        List<Problem> problems = new ArrayList<>(c.getProblemsCount());
        List<TimeBound> bounds = new ArrayList<>(c.getBoundsCount());
        Contract contract;
        try {
            for (CachedProblem p : c.getProblemsList()) {
                problems.add(new Problem(path, p.getLine(), Rule.valueOf(p.getRule()),
                        p.getHasParticipant() ? p.getParticipant() : null, p.getMessage()));
            }
            for (CachedBound b : c.getBoundsList()) {
                bounds.add(new TimeBound(Rule.valueOf(b.getRule()), b.getHasParticipant() ? b.getParticipant() : null,
                        b.getWhat(), Instant.ofEpochSecond(b.getNotBeforeSeconds(), b.getNotBeforeNanos()),
                        Instant.ofEpochSecond(b.getNotAfterSeconds(), b.getNotAfterNanos())));
            }
            if (!c.hasContract()) {
                throw new IOException("the entry for " + path + " holds no contract");
            }
            contract = text.share(c.getContract());
        } catch (IllegalArgumentException e) {
            throw new IOException("it names a rule this version does not have");
        } catch (java.time.DateTimeException e) {
            throw new IOException("the entry for " + path + " does not parse");
        }
        return new Kept(c.getBlobId(), new Verification(path, contract, problems, bounds));
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
}
