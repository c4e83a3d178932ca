package dev.trustcontracts.core.contract;

import com.google.protobuf.Timestamp;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.SigningPayload;
import java.util.List;

/** The exact bytes one participant's signature covers. */
public final class SigningPayloads {
    /** Domain separation, so a contract signature can never be mistaken for any other signed message. */
    public static final String CONTEXT = "trust-contracts/v1/contract-signature";

    private SigningPayloads() {
    }

    public static byte[] bytes(ContractBody body, String participant, String algorithm, Timestamp signedAt,
            List<String> certificateChain) {
        return ContractCodec.deterministicBytes(SigningPayload.newBuilder()
                .setContext(CONTEXT)
                .setBody(body)
                .setParticipant(participant)
                .setAlgorithm(algorithm)
                .setSignedAt(signedAt)
                .addAllCertificateChain(certificateChain)
                .build());
    }
}
