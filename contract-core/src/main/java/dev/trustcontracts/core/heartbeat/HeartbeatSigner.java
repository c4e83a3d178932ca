package dev.trustcontracts.core.heartbeat;

import com.google.protobuf.ByteString;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.HeartbeatStatement;
import dev.trustcontracts.proto.v1.SignedHeartbeat;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** Signs heartbeats with the heartbeat key, using the one algorithm of its {@link KeyType}. */
public final class HeartbeatSigner {
    /** Domain separation: the first field of every signed heartbeat statement. */
    public static final String CONTEXT = "trust-contracts/v1/heartbeat";

    private final PrivateKey key;
    private final String algorithm;

    /** @throws IllegalArgumentException when the key does not fit the certificate or its type is not accepted */
    public HeartbeatSigner(PrivateKey key, X509Certificate certificate) {
        if (!KeyMatch.fits(key, certificate)) {
            throw new IllegalArgumentException("the heartbeat key does not belong to the heartbeat certificate");
        }
        try {
            this.algorithm = KeyType.of(certificate.getPublicKey()).signatureAlgorithm();
        } catch (WeakKeyException e) {
            throw new IllegalArgumentException("heartbeat key: " + e.getMessage(), e);
        }
        this.key = key;
    }

    /** The file published at {@code refs/trust/heartbeat}: a {@code SignedHeartbeat}. */
    public byte[] sign(Heartbeat heartbeat) {
        byte[] statement = statementBytes(heartbeat);
        try {
            return ContractCodec.deterministicBytes(SignedHeartbeat.newBuilder()
                    .setStatement(ByteString.copyFrom(statement))
                    .setAlgorithm(algorithm)
                    .setSignature(ByteString.copyFrom(Signatures.sign(algorithm, key, statement)))
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a heartbeat with the heartbeat key: " + e.getMessage(), e);
        }
    }

    /** The exact bytes a heartbeat signature covers. */
    static byte[] statementBytes(Heartbeat heartbeat) {
        return ContractCodec.deterministicBytes(HeartbeatStatement.newBuilder()
                .setContext(CONTEXT)
                .setMainCommit(heartbeat.mainCommit())
                .setIssuedAt(ProtoTime.toTimestamp(heartbeat.issuedAt()))
                .setSequence(heartbeat.sequence())
                .build());
    }
}
