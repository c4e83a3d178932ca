package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.KeyType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * A whole new zone in one step, as {@code trustctl pki init} followed by {@code pki issue-signer admin@ZONE}
 * makes it: the root CA in a directory that holds none, its log of issued serials, and the first admin's
 * contract-signing credential. The demo, the tests' PKI zones and the benchmarks start their zones here, so
 * that they all start them the way an operator does.
 *
 * @param ca    the zone's root CA (files written by {@link CaInit})
 * @param log   the CA's log of issued serials, open for further issuing
 * @param admin {@code admin@ZONE}'s contract-signing credential (not written to disk: the caller decides where)
 */
public record ZoneBootstrap(ZoneCa ca, IssuedLog log, Credential admin) {

    /** The admin's name in a zone. */
    public static String adminName(String zone) {
        return "admin@" + zone;
    }

    /**
     * Creates the CA ({@link KeyType#EC_P256}) in {@code layout} and issues the admin's credential, valid for
     * {@code adminValidity} but never beyond the CA.
     */
    public static ZoneBootstrap create(CaLayout layout, String zone, Duration caValidity, Duration adminValidity,
            Clock clock) throws IOException {
        ZoneCa ca = CaInit.create(layout, zone, KeyType.EC_P256, caValidity, clock);
        IssuedLog log = IssuedLog.open(layout.issuedLog());
        Credential admin = ContractSignerIssuer.issue(ca, log, adminName(zone), KeyType.EC_P256, adminValidity, clock);
        return new ZoneBootstrap(ca, log, admin);
    }
}
