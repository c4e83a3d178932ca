package dev.trustcontracts.core.heartbeat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.HeartbeatStatement;
import dev.trustcontracts.proto.v1.SignedHeartbeat;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Verifies heartbeat files against one pinned heartbeat certificate: the signature must verify with the
 * certificate's key under the one algorithm of its {@link KeyType} (an algorithm named in the file is never
 * trusted), the signed bytes must be a heartbeat statement (domain separation), and the heartbeat must be dated
 * inside the certificate's validity. Freshness and the main commit are the caller's judgement.
 */
public final class HeartbeatVerifier {
    /** A heartbeat file is a few hundred bytes; anything far larger is not one. */
    public static final int MAX_BYTES = 16 * 1024;

    private final X509Certificate pinned;
    private final String algorithm;

    /** @throws IllegalArgumentException when the certificate's key type is not accepted */
    public HeartbeatVerifier(X509Certificate pinned) {
        try {
            this.algorithm = KeyType.of(pinned.getPublicKey()).signatureAlgorithm();
        } catch (WeakKeyException e) {
            throw new IllegalArgumentException("heartbeat certificate: " + e.getMessage(), e);
        }
        this.pinned = pinned;
    }

    public Heartbeat verify(byte[] file) throws HeartbeatException {
        if (file.length > MAX_BYTES) {
            throw new HeartbeatException(HeartbeatException.Reason.MALFORMED,
                    "not a heartbeat: " + file.length + " bytes (at most " + MAX_BYTES + ")");
        }
        SignedHeartbeat signed;
        try {
            signed = SignedHeartbeat.parseFrom(file);
        } catch (InvalidProtocolBufferException e) {
            throw new HeartbeatException(HeartbeatException.Reason.MALFORMED,
                    "not a heartbeat: the file is not a SignedHeartbeat");
        }
        byte[] statement = signed.getStatement().toByteArray();
        if (!algorithm.equals(signed.getAlgorithm())
                || !Signatures.verify(algorithm, pinned.getPublicKey(), statement, signed.getSignature().toByteArray())) {
            throw new HeartbeatException(HeartbeatException.Reason.SIGNATURE,
                    "the signature does not verify with the pinned heartbeat key (" + algorithm + ")");
        }
        HeartbeatStatement s;
        try {
            s = HeartbeatStatement.parseFrom(statement);
        } catch (InvalidProtocolBufferException e) {
            throw new HeartbeatException(HeartbeatException.Reason.CONTEXT,
                    "signed by the heartbeat key but not a heartbeat statement");
        }
        if (!HeartbeatSigner.CONTEXT.equals(s.getContext())) {
            throw new HeartbeatException(HeartbeatException.Reason.CONTEXT,
                    "signed by the heartbeat key but not a heartbeat statement (context \""
                            + printable(s.getContext()) + "\")");
        }
        if (!s.hasIssuedAt() || !Heartbeat.isCommitId(s.getMainCommit()) || s.getSequence() < 1) {
            throw new HeartbeatException(HeartbeatException.Reason.MALFORMED,
                    "a signed heartbeat without a main commit, a time or a sequence");
        }
        Instant at = ProtoTime.toInstant(s.getIssuedAt());
        if (at.isBefore(pinned.getNotBefore().toInstant()) || at.isAfter(pinned.getNotAfter().toInstant())) {
            throw new HeartbeatException(HeartbeatException.Reason.CERTIFICATE, "issued at " + at
                    + ", outside the heartbeat certificate's validity (" + pinned.getNotBefore().toInstant()
                    + " to " + pinned.getNotAfter().toInstant() + ")");
        }
        return new Heartbeat(s.getMainCommit(), at, s.getSequence());
    }

    /** Text from a signed message, bounded and with control characters escaped, for one log line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f || c == '"' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
