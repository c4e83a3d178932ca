package dev.trustcontracts.conformance;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.SigningPayloads;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Signature;
import dev.trustcontracts.testing.PkiZone;
import java.time.Instant;
import java.util.List;

/**
 * Signs a contract's body exactly as the signing payload says, without {@code ContractSigner}'s own
 * checks of the participants' certificates: what an admin's signature looks like when they sign a body
 * their tool could not fully read (the attacker's tool, or an older one).
 */
final class RawSigner {
    private RawSigner() {
    }

    static Contract sign(Contract c, PkiZone zone) {
        try {
            String algorithm = KeyType.of(zone.admin.certificate().getPublicKey()).signatureAlgorithm();
            Timestamp at = Timestamp.newBuilder().setSeconds(Instant.now().minusSeconds(60).getEpochSecond()).build();
            List<String> chain = List.of(Pem.encode(zone.admin.certificate()));
            byte[] payload = SigningPayloads.bytes(c.getBody(), zone.name, algorithm, at, chain);
            byte[] value = Signatures.sign(algorithm, zone.admin.privateKey(), payload);
            return c.toBuilder().addSignatures(Signature.newBuilder().setParticipant(zone.name)
                    .addAllCertificateChain(chain).setAlgorithm(algorithm).setValue(ByteString.copyFrom(value))
                    .setSignedAt(at)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
