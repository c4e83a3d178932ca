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
 *
 * <p>Summaries (format 3, agents only): a store told its zone's root hashes ({@link #zone}) writes, for each
 * contract that lists none of them as a participant's current or next root, a summary instead of the contract
 * (see {@link Verification#isSummary}): the agent then restores only its own zone's contracts in full, and for
 * the others what its rules across files read (id and name for uniqueness, id for replays, the verdict and window
 * judged again at the clock, participants' names and root hashes). A summary is an entry like any other (same
 * key, blob id, path, rules version, window, MAC) and is restored only while the zone's root hashes are exactly
 * those it was written for (the header's {@code zone_roots}): a changed own root or a rotation's next root makes
 * every summary a miss, and those files are verified again.
 */
public final class VerificationStore {
    /** The cache, in the state directory. */
    public static final String FILE = "verification-cache.bin";
    /** Its HMAC key (32 random bytes, 0600). */
    public static final String KEY_FILE = "verification-cache.key";
    /** The layout of the file (verification_cache.proto); format 1 was one message holding every entry. */
    public static final int FORMAT = 3;

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
    /** The root hashes the file's summaries were made for (empty when it held none). */
    private final List<String> fileZone;
    /** The zone's root hashes (sorted) when summaries are kept, or null (a repo-server: no summaries). */
    private List<String> zone;

    private VerificationStore(Path file, byte[] key, ContractVerifier verifier, Loaded loaded) {
        this.file = file;
        this.key = key;
        this.verifier = verifier;
        this.loaded = loaded.entries();
        this.loadedCount = loaded.entries().size();
        this.fileZone = loaded.zone();
    }

    /** What a file held: its entries by "blobId path" and the zone its summaries were made for. */
    private record Loaded(Map<String, Kept> entries, List<String> zone) {
        static Loaded none() {
            return new Loaded(new HashMap<>(), List.of());
        }
    }

    /**
     * Sets the root hashes of the zone this store keeps summaries for (an agent's own roots, current and next):
     * from now on a summary is restored only when it was made for exactly these, and the next {@link #save}
     * writes a summary for each contract that lists none of them. True when the set changed from the last call
     * (the caller then forgets the summaries it holds in memory: they may be of a contract the zone is in now).
     */
    public synchronized boolean zone(java.util.Collection<String> ownRootHashes) {
        List<String> z = ownRootHashes.stream().distinct().sorted().toList();
        if (z.equals(zone)) {
            return false;
        }
        boolean hadZone = zone != null;
        zone = z;
        if (!z.equals(fileZone)) {
            dirty = true; // the next save writes the summaries for these roots
        }
        return hadZone;
    }

    /** Whether a summary made for the file's zone may be used now. */
    private boolean summariesUsable() {
        return zone != null && !zone.isEmpty() && zone.equals(fileZone);
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
            return new VerificationStore(null, null, verifier, Loaded.none());
        }
        Loaded loaded;
        try {
            loaded = read(file, key.get(), verifier);
        } catch (NoSuchFileException e) {
            loaded = Loaded.none();
        } catch (IOException e) {
            LOG.warn("ignoring the verification cache {}: {}; every contract is verified again", file, e.getMessage());
            loaded = Loaded.none();
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
        if (c == null || (c.verification().isSummary() && !summariesUsable())) {
            // a summary made for other roots than the zone's now: the file is verified again
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
        // summaries made for other roots are dropped: they could never be restored again
        boolean keepSummaries = summariesUsable();
        List<Kept> written = new ArrayList<>(used.size());
        for (Kept k : used.values()) {
            if (!k.verification().isSummary() || keepSummaries) {
                written.add(k);
            }
        }
        List<String> z = zone == null ? List.of() : zone;
        CacheHeader header = CacheHeader.newBuilder().setFormat(FORMAT).setRulesVersion(ContractVerifier.RULES_VERSION)
                .setMaxWindowSeconds(verifier.maxWindow().toSeconds()).setEntries(written.size())
                .addAllZoneRoots(z).build();
        Iterator<Kept> kept = written.iterator();
        VerificationCacheFile.write(file, key, header, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return kept.hasNext();
            }

            @Override
            public CachedVerification next() {
                return entry(kept.next(), z);
            }
        });
        dirty = false;
        return true;
    }

    /** One record, made at the moment it is written (so the records never exist all at once). */
    private static CachedVerification entry(Kept k, List<String> zone) {
        Verification v = k.verification();
        Contract contract = v.contract().orElseThrow();
        boolean summary = v.isSummary() || (!zone.isEmpty() && !ContractSummary.lists(contract, zone));
        CachedVerification.Builder c = CachedVerification.newBuilder().setBlobId(k.blobId()).setPath(v.path())
                .setContract(summary ? ContractSummary.of(contract) : contract).setSummary(summary);
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

    private static Loaded read(Path file, byte[] key, ContractVerifier verifier) throws IOException {
        List<String> zone = new ArrayList<>();
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
            zone.addAll(header.getZoneRootsList());
        }, new SharedText()::kept);
        Map<String, Kept> out = new HashMap<>(entries.size() * 2);
        for (Kept k : entries) {
            if (k.verification().isSummary() && zone.isEmpty()) {
                throw new IOException("it holds a summary but names no zone it was made for");
            }
            out.put(k.blobId() + ' ' + k.verification().path(), k);
        }
        return new Loaded(out, List.copyOf(zone));
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
        return new Kept(c.getBlobId(), new Verification(path, contract, problems, bounds, c.getSummary()));
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
