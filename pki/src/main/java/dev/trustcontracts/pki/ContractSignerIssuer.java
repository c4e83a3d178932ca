package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Issues an admin's contract-signing certificate (a new key, the CONTRACT_SIGNER profile: it signs
 * contracts for this zone and nothing else). Admins sign with it; the CA key stays with the CA.
 */
public final class ContractSignerIssuer {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    private ContractSignerIssuer() {
    }

    /** @param name who signs, e.g. {@code admin@alice}: letters, digits and {@code . _ @ + -}, at most 64 */
    public static Credential issue(ZoneCa ca, IssuedLog log, String name, KeyType keyType, Duration validFor,
            Clock clock) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("signer name '" + (name == null ? "" : CsrSigner.printable(name))
                    + "' must be 1 to 64 letters, digits and . _ @ + - (for example admin@" + ca.zone() + ")");
        }
        if (validFor.isNegative() || validFor.isZero()) {
            throw new IllegalArgumentException("the validity period must be positive");
        }
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new PkiException("the zone's root CA expired at " + caEnd);
        }
        Instant notAfter = now.plus(validFor).isAfter(caEnd) ? caEnd : now.plus(validFor);
        Instant notBefore = now.minus(CsrSigner.BACKDATE);
        if (notBefore.isBefore(ca.certificate().getNotBefore().toInstant())) {
            notBefore = ca.certificate().getNotBefore().toInstant();
        }
        KeyPair keys = keyType.generate();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ca.zone()).addRDN(BCStyle.CN, name).build();
        Instant nb = notBefore;
        try {
            X509Certificate cert = log.issue(CertificateProfile.CONTRACT_SIGNER.name(), serial ->
                    CertificateIssuer.issue(ca.certificate(), ca.privateKey(), subject, keys.getPublic(),
                            CertificateProfile.CONTRACT_SIGNER, nb, notAfter, List.of(), serial));
            return new Credential(keys.getPrivate(), cert);
        } catch (IOException e) {
            throw new PkiException("cannot record the serial number in " + log.file() + ": " + CaInit.describe(e), e);
        }
    }
}
