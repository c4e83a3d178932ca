package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.security.cert.X509Certificate;

/**
 * The zone's own material for the cycle, from the {@link CertificateKeeper}: its roots (pinned, or learned from the
 * pinned PKI during a rotation) and the agent's certificate, renewed when due. At the first cycle the keeper is
 * given what the state file remembers of the PKI. Health is told the certificate's expiry, the root that issued it (the top of its chain)
 * and any PKI problem.
 */
final class ZoneStep implements CycleStep<StartStep.Started, ZoneStep.Zoned> {
    /**
     * @param renewalFailure why a certificate due for renewal was not renewed, or null
     */
    record Zoned(StartStep.Started start, ZoneMaterial zone, String renewalFailure) {
    }

    private final CertificateKeeper keeper;
    private final AppliedState state;
    private final AgentStatus status;
    private volatile String ownHash;
    private boolean restored;

    ZoneStep(CertificateKeeper keeper, AppliedState state, AgentStatus status) {
        this.keeper = keeper;
        this.state = state;
        this.status = status;
    }

    /** The zone root's fingerprint, once known. */
    String ownHash() {
        return ownHash;
    }

    @Override
    public Zoned apply(StartStep.Started start) throws SyncException {
        if (!restored) {
            keeper.restore(state.current().pki());
            restored = true;
        }
        ZoneMaterial zone = keeper.ensure();
        ownHash = zone.ownHash();
        if (zone.pkiProblem() != null) {
            status.failed(FailureKind.PKI);
        }
        status.certificate(zone.leaf() == null ? null : zone.leaf().notAfter(), zone.pkiProblem());
        X509Certificate issuer = zone.leaf() == null ? null : zone.leaf().chain().get(zone.leaf().chain().size() - 1);
        status.issuingRoot(issuer == null ? null : Fingerprint.of(issuer),
                issuer == null ? null : issuer.getNotAfter().toInstant());
        String renewalFailure = keeper.renewalFailure();
        status.renewalFailing(renewalFailure);
        return new Zoned(start, zone, renewalFailure);
    }
}
