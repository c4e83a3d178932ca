package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.net.IpLiteral;
import dev.trustcontracts.pki.IssuanceException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Signs TLS certificates (serverAuth + clientAuth) for CSRs under the zone's issuance policy. The
 * issued subject is only the CN; every name in the certificate was checked against the policy; the
 * lifetime is capped by the policy and by the root's own expiry.
 */
public final class CsrSigner {
    /** Certificates start a little in the past, so that a peer whose clock lags accepts them at once. */
    static final Duration BACKDATE = Duration.ofMinutes(1);

    private final Supplier<ZoneCa> issuer;
    private final IssuancePolicy policy;
    private final IssuedLog log;
    private final Clock clock;

    public CsrSigner(ZoneCa ca, IssuancePolicy policy, IssuedLog log, Clock clock) {
        this(() -> ca, policy, log, clock);
    }

    /** @param issuer the root to sign with, asked once per request (it changes when a rotation switches) */
    public CsrSigner(Supplier<ZoneCa> issuer, IssuancePolicy policy, IssuedLog log, Clock clock) {
        this.issuer = issuer;
        this.policy = policy;
        this.log = log;
        this.clock = clock;
    }

    public IssuancePolicy policy() {
        return policy;
    }

    /** Reads, checks and signs a PEM CSR; {@code requested} zero asks for the policy's maximum lifetime. */
    public IssuedCertificate sign(String csrPem, Duration requested) throws IssuanceException {
        return sign(CsrReader.read(csrPem), requested);
    }

    public IssuedCertificate sign(CertificateRequest request, Duration requested) throws IssuanceException {
        try {
            KeyType.of(request.publicKey());
        } catch (WeakKeyException e) {
            throw new IssuanceException(Reason.INVALID, "key refused: " + e.getMessage());
        }
        List<GeneralName> sans = grantedNames(request);
        String cn = firstHostOrIp(sans); // the CN's own SAN comes first when the CSR has a CN
        ZoneCa ca = issuer.get();
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new IssuanceException(Reason.UNAVAILABLE, "the zone's root CA expired at " + caEnd);
        }
        Duration lifetime;
        try {
            lifetime = policy.lifetimeFor(requested);
        } catch (IllegalArgumentException e) {
            throw new IssuanceException(Reason.INVALID, e.getMessage());
        }
        Instant notAfter = min(now.plus(lifetime), caEnd);
        Instant notBefore = max(now.minus(BACKDATE), ca.certificate().getNotBefore().toInstant());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        try {
            X509Certificate cert = log.issue(CertificateProfile.TLS.name(), serial -> CertificateIssuer.issue(
                    ca.certificate(), ca.privateKey(), subject, request.publicKey(), CertificateProfile.TLS,
                    notBefore, notAfter, sans, serial));
            return new IssuedCertificate(cert, List.of(cert, ca.certificate()));
        } catch (IOException e) {
            throw new IssuanceException(Reason.UNAVAILABLE, "cannot record the serial number in "
                    + log.file() + ": " + e.getMessage(), e);
        }
    }

    /** The SANs to put in the certificate: every requested one, checked, and the CN. */
    private List<GeneralName> grantedNames(CertificateRequest request) throws IssuanceException {
        Set<GeneralName> out = new LinkedHashSet<>();
        if (!request.commonName().isEmpty()) {
            out.add(commonNameAsSan(request.commonName()));
        }
        for (GeneralName n : request.subjectAltNames()) {
            out.add(checked(n));
        }
        if (out.isEmpty()) {
            throw new IssuanceException(Reason.INVALID, "the CSR names nothing: give a CN or a subject alternative name");
        }
        return new ArrayList<>(out);
    }

    private GeneralName commonNameAsSan(String cn) throws IssuanceException {
        Optional<InetAddress> ip = IpLiteral.parse(cn);
        if (ip.isPresent()) {
            return ipName(ip.get(), "CN");
        }
        return dnsName(cn, "CN", Reason.FORBIDDEN);
    }

    private GeneralName checked(GeneralName n) throws IssuanceException {
        switch (n.getTagNo()) {
            case GeneralName.dNSName -> {
                return dnsName(ASN1IA5String.getInstance(n.getName()).getString(), "DNS name", Reason.INVALID);
            }
            case GeneralName.iPAddress -> {
                byte[] octets = ASN1OctetString.getInstance(n.getName()).getOctets();
                InetAddress ip = IpLiteral.fromOctets(octets).orElseThrow(() -> new IssuanceException(Reason.INVALID,
                        "an IP address SAN of " + octets.length + " octets (4 or 16 expected; no masks)"));
                return ipName(ip, "IP address");
            }
            case GeneralName.uniformResourceIdentifier -> {
                String uri = ASN1IA5String.getInstance(n.getName()).getString();
                SpiffeId id = SpiffeId.parse(uri).orElseThrow(() -> new IssuanceException(Reason.INVALID,
                        "URI SAN '" + printable(uri) + "' is not a SPIFFE ID (spiffe://<trust-domain>/<path>)"));
                if (!policy.allowsSpiffe(id)) {
                    throw new IssuanceException(Reason.FORBIDDEN, "URI SAN '" + id + "' is not allowed: "
                            + (policy.trustDomain().isEmpty() ? "this CA signs no URI SANs (no trust domain set)"
                            : "the trust domain is " + policy.trustDomain()));
                }
                return new GeneralName(GeneralName.uniformResourceIdentifier, id.toString());
            }
            default -> throw new IssuanceException(Reason.INVALID, "a " + sanType(n.getTagNo())
                    + " SAN is never signed (DNS names, IP addresses and spiffe:// URIs only)");
        }
    }

    /** @param malformed the reason when the text is not a DNS name at all */
    private GeneralName dnsName(String requested, String what, Reason malformed) throws IssuanceException {
        String name = DnsNames.normalize(requested);
        if (!DnsNames.isNameOrWildcard(name)) {
            throw new IssuanceException(malformed, what + " '" + printable(requested)
                    + "' is not a DNS name or IP address (allowed: " + policy.describeNames() + ")");
        }
        if (!policy.allowsDns(name)) {
            throw new IssuanceException(Reason.FORBIDDEN, what + " '" + name + "' is not allowed by this CA's policy "
                    + "(allowed: " + policy.describeNames() + ")");
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    private GeneralName ipName(InetAddress ip, String what) throws IssuanceException {
        if (!policy.allowsIp(ip)) {
            throw new IssuanceException(Reason.FORBIDDEN, what + " " + ip.getHostAddress()
                    + " is not allowed by this CA's policy (allowed: " + policy.describeNames() + ")");
        }
        return new GeneralName(GeneralName.iPAddress, ip.getHostAddress());
    }

    private static String firstHostOrIp(List<GeneralName> sans) throws IssuanceException {
        for (GeneralName n : sans) {
            if (n.getTagNo() == GeneralName.dNSName) {
                return ASN1IA5String.getInstance(n.getName()).getString();
            }
            if (n.getTagNo() == GeneralName.iPAddress) {
                return IpLiteral.fromOctets(ASN1OctetString.getInstance(n.getName()).getOctets())
                        .map(InetAddress::getHostAddress).orElseThrow();
            }
        }
        throw new IssuanceException(Reason.INVALID, "a CSR without a CN needs a DNS name or IP address SAN");
    }

    private static String sanType(int tag) {
        return switch (tag) {
            case GeneralName.otherName -> "otherName";
            case GeneralName.rfc822Name -> "email (rfc822Name)";
            case GeneralName.x400Address -> "x400Address";
            case GeneralName.directoryName -> "directoryName";
            case GeneralName.ediPartyName -> "ediPartyName";
            case GeneralName.registeredID -> "registeredID";
            default -> "tag " + tag;
        };
    }

    /** Requested text in a message: bounded, no control characters. */
    static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
