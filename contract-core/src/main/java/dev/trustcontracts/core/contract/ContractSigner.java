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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Adds one participant's signature to a contract. The participant is found from the signer's chain
 * (which root it leads to), never named by the caller, so an admin cannot sign for another zone by
 * mistake. Re-signing replaces only that participant's signature; a participant that lists a next root
 * signs once with each root, and re-signing replaces only the signature made with the same root.
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
        Participant listed = participant(contract, participant);
        // The participant's roots are already in the contract: carry one only when it is the signer itself.
        Set<String> rootHashes = hashes(listed);
        List<String> pems = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            if (i == 0 || !rootHashes.contains(Fingerprint.of(chain.get(i)))) {
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
        // A participant with one root signs once; one with a next root signs once with each root, so
        // re-signing replaces the signature made with the same root and keeps the other root's.
        Set<String> mine = rootsReached(listed, chain);
        Contract.Builder out = contract.toBuilder().clearSignatures();
        boolean replaced = false;
        for (Signature existing : contract.getSignaturesList()) {
            boolean same = existing.getParticipant().equals(participant)
                    && (!listed.hasNext() || replaces(listed, existing, mine));
            if (same) {
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

    /** Whether an existing signature of the participant is made with one of the same roots (or none readable). */
    private static boolean replaces(Participant listed, Signature existing, Set<String> mine) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (String pem : existing.getCertificateChainList()) {
                chain.add(Pem.certificate(pem));
            }
        } catch (PemException e) {
            return true;
        }
        Set<String> theirs = chain.isEmpty() ? Set.of() : rootsReached(listed, chain);
        return theirs.isEmpty() || theirs.stream().anyMatch(mine::contains);
    }

    /** The fingerprints of the participant's roots that the chain's last certificate is, or was issued by. */
    private static Set<String> rootsReached(Participant p, List<X509Certificate> chain) {
        X509Certificate top = chain.get(chain.size() - 1);
        Set<String> out = new HashSet<>();
        for (X509Certificate root : roots(p)) {
            if (Fingerprint.of(root).equals(Fingerprint.of(top)) || issuedBy(top, root)) {
                out.add(Fingerprint.of(root));
            }
        }
        return out;
    }

    /** The participant's listed roots that parse: the current one, then the next one. */
    private static List<X509Certificate> roots(Participant p) {
        List<X509Certificate> out = new ArrayList<>();
        List<String> pems = p.hasNext() ? List.of(p.getCertificate(), p.getNext().getCertificate())
                : List.of(p.getCertificate());
        for (String pem : pems) {
            try {
                out.add(Pem.certificate(pem));
            } catch (PemException e) {
                // not a root anyone can chain to; the verifier reports it
            }
        }
        return out;
    }

    private static Set<String> hashes(Participant p) {
        Set<String> out = new HashSet<>();
        roots(p).forEach(r -> out.add(Fingerprint.of(r)));
        return out;
    }

    /** The one participant whose root (current or next) the chain leads to. */
    static String participantFor(Contract contract, List<X509Certificate> chain) throws SigningException {
        List<String> matches = new ArrayList<>();
        for (Participant p : contract.getBody().getParticipantsList()) {
            if (!rootsReached(p, chain).isEmpty()) {
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

    private static Participant participant(Contract contract, String name) {
        return contract.getBody().getParticipantsList().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst().orElseThrow();
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
