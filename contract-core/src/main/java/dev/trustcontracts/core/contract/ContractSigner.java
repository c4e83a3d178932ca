package dev.trustcontracts.core.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds one participant's signature to a contract. The participant is found from the signer's chain
 * (which root it leads to), never named by the caller, so an admin cannot sign for another zone by
 * mistake. Re-signing replaces only that participant's signature.
 */
public final class ContractSigner {
    private ContractSigner() {
    }

    /**
     * @param chain the signer's certificate first, then intermediates; the root may be included. A
     *              signature made with the root key itself passes the root alone.
     */
    public static Contract sign(Contract contract, PrivateKey key, List<X509Certificate> chain, Instant signedAt)
            throws SigningException {
        if (chain.isEmpty()) {
            throw new SigningException("no signer certificate given");
        }
        X509Certificate signer = chain.get(0);
        KeyType type;
        try {
            type = KeyType.of(signer.getPublicKey());
        } catch (WeakKeyException e) {
            throw new SigningException("signer key: " + e.getMessage());
        }
        String participant = participantFor(contract, chain);
        // The participant's root is already in the contract: carry it only when it is the signer itself.
        String rootHash = rootHashOf(contract, participant);
        List<String> pems = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            if (i == 0 || !Fingerprint.of(chain.get(i)).equals(rootHash)) {
                pems.add(Pem.encode(chain.get(i)));
            }
        }
        Timestamp at = ProtoTime.toWholeSecondTimestamp(signedAt);
        byte[] payload = SigningPayloads.bytes(contract.getBody(), participant, type.signatureAlgorithm(), at, pems);
        byte[] value;
        try {
            value = Signatures.sign(type.signatureAlgorithm(), key, payload);
            if (!Signatures.verify(type.signatureAlgorithm(), signer.getPublicKey(), payload, value)) {
                throw new SigningException("the private key does not belong to the signer certificate "
                        + signer.getSubjectX500Principal().getName());
            }
        } catch (GeneralSecurityException e) {
            throw new SigningException("the private key does not fit the signer certificate ("
                    + e.getMessage() + ")");
        }
        Signature sig = Signature.newBuilder()
                .setParticipant(participant)
                .addAllCertificateChain(pems)
                .setAlgorithm(type.signatureAlgorithm())
                .setValue(ByteString.copyFrom(value))
                .setSignedAt(at)
                .build();
        Contract.Builder out = contract.toBuilder().clearSignatures();
        boolean replaced = false;
        for (Signature existing : contract.getSignaturesList()) {
            if (existing.getParticipant().equals(participant)) {
                if (!replaced) {
                    out.addSignatures(sig);
                    replaced = true;
                }
            } else {
                out.addSignatures(existing);
            }
        }
        if (!replaced) {
            out.addSignatures(sig);
        }
        return out.build();
    }

    /** The one participant whose root the chain leads to. */
    static String participantFor(Contract contract, List<X509Certificate> chain) throws SigningException {
        X509Certificate top = chain.get(chain.size() - 1);
        List<String> matches = new ArrayList<>();
        for (Participant p : contract.getBody().getParticipantsList()) {
            X509Certificate root;
            try {
                root = Pem.certificate(p.getCertificate());
            } catch (PemException e) {
                continue;
            }
            if (Fingerprint.of(root).equals(Fingerprint.of(top)) || issuedBy(top, root)) {
                matches.add(p.getName());
            }
        }
        if (matches.isEmpty()) {
            throw new SigningException("the signer certificate " + chain.get(0).getSubjectX500Principal().getName()
                    + " does not chain to any participant's root");
        }
        if (matches.size() > 1) {
            throw new SigningException("the signer chain matches several participants: " + matches);
        }
        return matches.get(0);
    }

    private static String rootHashOf(Contract contract, String participant) {
        return contract.getBody().getParticipantsList().stream()
                .filter(p -> p.getName().equals(participant))
                .map(Participant::getHash)
                .findFirst().orElse("");
    }

    private static boolean issuedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
