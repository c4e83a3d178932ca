package dev.trustcontracts.agent;

/**
 * The zone's own material for the cycle, from the {@link CertificateKeeper}: its root (pinned) and the agent's
 * certificate, renewed when due. Health is told the certificate's expiry and any PKI problem.
 */
final class ZoneStep implements CycleStep<StartStep.Started, ZoneStep.Zoned> {
    /**
     * @param renewalFailure why a certificate due for renewal was not renewed, or null
     */
    record Zoned(StartStep.Started start, ZoneMaterial zone, String renewalFailure) {
    }

    private final CertificateKeeper keeper;
    private final AgentStatus status;
    private volatile String ownHash;

    ZoneStep(CertificateKeeper keeper, AgentStatus status) {
        this.keeper = keeper;
        this.status = status;
    }

    /** The zone root's fingerprint, once known. */
    String ownHash() {
        return ownHash;
    }

    @Override
    public Zoned apply(StartStep.Started start) throws SyncException {
        ZoneMaterial zone = keeper.ensure();
        ownHash = zone.ownHash();
        if (zone.pkiProblem() != null) {
            status.failed(FailureKind.PKI);
        }
        status.certificate(zone.leaf() == null ? null : zone.leaf().notAfter(), zone.pkiProblem());
        String renewalFailure = keeper.renewalFailure();
        status.renewalFailing(renewalFailure);
        return new Zoned(start, zone, renewalFailure);
    }
}
