package dev.trustcontracts.reposerver.index;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import java.util.Set;

/**
 * Who is asking for certificates: a root fingerprint, or a participant name resolved against each
 * snapshot (so a watch by name follows the index). Shared by gRPC and JSON.
 */
public record CertificateQuery(String hash, String name) {

    /** A request that the caller made badly: the message says how. */
    public static final class BadQuery extends RuntimeException {
        BadQuery(String message) {
            super(message);
        }
    }

    public static CertificateQuery of(String hash, String name) {
        boolean h = hash != null && !hash.isEmpty();
        boolean n = name != null && !name.isEmpty();
        if (h == n) {
            throw new BadQuery("give exactly one of hash (the root's SHA-256, lowercase hex) or name");
        }
        if (h && !Fingerprint.isWellFormed(hash)) {
            throw new BadQuery("hash '" + hash + "' is not 64 lowercase hex digits");
        }
        return new CertificateQuery(h ? hash : null, n ? name : null);
    }

    public static CertificateQuery of(GetCertificatesRequest req) {
        return switch (req.getParticipantCase()) {
            case HASH -> of(req.getHash(), null);
            case NAME -> of(null, req.getName());
            default -> throw new BadQuery("give exactly one of hash or name");
        };
    }

    /** The answer in a snapshot. A name that several roots use is ambiguous and refused. */
    public GetCertificatesResponse answer(IndexSnapshot snapshot) {
        if (hash != null) {
            return snapshot.certificates(hash);
        }
        Set<String> hashes = snapshot.hashesOf(name);
        if (hashes.size() > 1) {
            throw new BadQuery("participant name '" + name + "' is used by " + hashes.size()
                    + " different roots; ask by hash");
        }
        if (hashes.isEmpty()) {
            return GetCertificatesResponse.newBuilder().setCommit(snapshot.commit())
                    .setGeneratedAt(IndexSnapshot.timestamp(snapshot.generatedAt())).build();
        }
        return snapshot.certificates(hashes.iterator().next());
    }

    @Override
    public String toString() {
        return hash != null ? "hash " + hash : "name " + name;
    }
}
