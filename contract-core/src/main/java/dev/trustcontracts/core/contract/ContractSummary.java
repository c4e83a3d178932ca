package dev.trustcontracts.core.contract;

import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Root;
import java.util.Collection;

/**
 * The summary an agent's cache keeps of a contract its zone is not in ({@link Verification#isSummary}): what the
 * agent's rules read of such a contract (id and name for uniqueness and replays, the window, each participant's
 * name, trust domain and root hashes) without the certificates and signatures that are most of its size.
 */
final class ContractSummary {
    private ContractSummary() {
    }

    /** Whether {@code contract} lists any of {@code rootHashes} as a participant's current or next root. */
    static boolean lists(Contract contract, Collection<String> rootHashes) {
        for (Participant p : contract.getBody().getParticipantsList()) {
            if (rootHashes.contains(p.getHash()) || (p.hasNext() && rootHashes.contains(p.getNext().getHash()))) {
                return true;
            }
        }
        return false;
    }

    /** The contract without certificates or signatures. */
    static Contract of(Contract contract) {
        ContractBody body = contract.getBody();
        ContractBody.Builder b = ContractBody.newBuilder().setName(body.getName()).setId(body.getId());
        if (body.hasNotBefore()) {
            b.setNotBefore(body.getNotBefore());
        }
        if (body.hasNotAfter()) {
            b.setNotAfter(body.getNotAfter());
        }
        for (Participant p : body.getParticipantsList()) {
            Participant.Builder s = Participant.newBuilder().setName(p.getName()).setHash(p.getHash())
                    .setTrustDomain(p.getTrustDomain());
            if (p.hasNext()) {
                s.setNext(Root.newBuilder().setHash(p.getNext().getHash()));
            }
            b.addParticipants(s);
        }
        return Contract.newBuilder().setBody(b).build();
    }
}
