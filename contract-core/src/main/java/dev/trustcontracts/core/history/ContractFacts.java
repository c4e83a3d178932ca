package dev.trustcontracts.core.history;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.contract.ContractVerifier;
import dev.trustcontracts.core.contract.Verification;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.ContractBody;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * What the history rules need to know of one contract file, cached by blob id and path (the same blob is
 * read in many commits): the id it carries when it parses, and whether it is sound apart from time. The
 * cache holds these small facts, never parsed contracts, so that it stays small at its bound.
 */
final class ContractFacts {
    private static final int CACHE_SIZE = 100_000;
    private static final Fact NOT_A_CONTRACT = new Fact(null, null, null, false);

    /**
     * @param id       the id the file carries, null when it does not parse (or is too large to read)
     * @param sound    null until verified; then whether it is sound apart from time
     */
    record Fact(String id, String name, Instant notAfter, Boolean sound) {
    }

    private final ContractVerifier verifier;
    private final long maxBlobBytes;
    private final Map<String, Fact> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Fact> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    ContractFacts(ContractVerifier verifier, long maxBlobBytes) {
        this.verifier = verifier;
        this.maxBlobBytes = maxBlobBytes;
    }

    /** The id the file carries, parsed only (cheap): null when it does not parse. */
    Fact parsed(ObjectReader reader, ObjectId blob, String path) throws IOException {
        String key = blob.name() + ' ' + path;
        Fact f = cache.get(key);
        if (f != null) {
            return f;
        }
        Optional<ContractFormat> format = ContractFormat.forFileName(path);
        if (format.isEmpty() || reader.getObjectSize(blob, Constants.OBJ_BLOB) > maxBlobBytes) {
            f = NOT_A_CONTRACT;
        } else {
            try {
                ContractBody b = ContractCodec.parse(read(reader, blob), format.get()).getBody();
                f = new Fact(b.getId(), b.getName(), b.hasNotAfter()
                        ? ProtoTime.toInstant(b.getNotAfter()) : null, null);
            } catch (ContractFormatException e) {
                f = NOT_A_CONTRACT;
            }
        }
        cache.put(key, f);
        return f;
    }

    /** Whether the file is a sound contract apart from time: it parses, and every signature and chain verifies. */
    Fact verified(ObjectReader reader, ObjectId blob, String path) throws IOException {
        Fact f = parsed(reader, blob, path);
        if (f.sound() != null) {
            return f;
        }
        Verification v = verifier.verify(path, read(reader, blob));
        f = new Fact(f.id(), f.name(), f.notAfter(), v.soundApartFromTime());
        cache.put(blob.name() + ' ' + path, f);
        return f;
    }

    private byte[] read(ObjectReader reader, ObjectId blob) throws IOException {
        return reader.open(blob, Constants.OBJ_BLOB).getCachedBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBlobBytes));
    }
}
