package dev.trustcontracts.core.contract;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Root;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Makes a new, unsigned contract: fingerprints computed, a fresh random id, the validity window. */
public final class ContractDraft {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One zone to put in the contract.
     *
     * @param next the zone's next root during a rotation of its root, or null
     */
    public record Zone(String name, X509Certificate root, String trustDomain, X509Certificate next) {
        /** A zone with one root, as outside a rotation. */
        public Zone(String name, X509Certificate root, String trustDomain) {
            this(name, root, trustDomain, null);
        }
    }

    private ContractDraft() {
    }

    public static Contract create(String name, List<Zone> zones, Instant notBefore, Duration validFor) {
        if (!Names.isLabel(name)) {
            throw new IllegalArgumentException("contract name '" + name + "' is not a DNS label "
                    + "(lowercase letters, digits, inner hyphens)");
        }
        if (validFor.isNegative() || validFor.isZero()) {
            throw new IllegalArgumentException("the validity period must be positive");
        }
        ContractBody.Builder body = ContractBody.newBuilder()
                .setName(name)
                .setId(newId())
                .setNotBefore(ProtoTime.toWholeSecondTimestamp(notBefore))
                .setNotAfter(ProtoTime.toWholeSecondTimestamp(notBefore.plus(validFor)));
        for (Zone z : zones) {
            if (!Names.isLabel(z.name())) {
                throw new IllegalArgumentException("participant name '" + z.name() + "' is not a DNS label");
            }
            Participant.Builder p = Participant.newBuilder()
                    .setName(z.name())
                    .setCertificate(Pem.encode(z.root()))
                    .setHash(Fingerprint.of(z.root()));
            if (z.next() != null) {
                p.setNext(Root.newBuilder().setCertificate(Pem.encode(z.next())).setHash(Fingerprint.of(z.next())));
            }
            if (z.trustDomain() != null && !z.trustDomain().isEmpty()) {
                p.setTrustDomain(z.trustDomain());
            }
            body.addParticipants(p);
        }
        return Contract.newBuilder().setBody(body).build();
    }

    /**
     * A successor of {@code predecessor}: the same name, the given zones (the predecessor's, or with a root
     * added or promoted), a new window, no signatures, and a fresh id that differs from the predecessor's, so
     * that the merge that replaces the predecessor with it retires the old id (history rules) and the
     * successor is a contract of its own, never a replay.
     */
    public static Contract successor(ContractBody predecessor, List<Zone> zones, Instant notBefore, Duration validFor) {
        Contract c = create(predecessor.getName(), zones, notBefore, validFor);
        while (c.getBody().getId().equals(predecessor.getId())) { // 2^-128: for the record, not for luck
            c = c.toBuilder().setBody(c.getBody().toBuilder().setId(newId())).build();
        }
        return c;
    }

    /** 128 random bits as 32 lowercase hex digits. */
    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
