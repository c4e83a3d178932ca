package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.net.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The PKI's own TLS server certificate, issued by the zone CA it serves: agents that pin the zone root
 * (by file or fingerprint) can then check the PKI without trusting anything else. Short-lived: a new key
 * and certificate at every start and again at two thirds of the lifetime, so a stolen one soon expires.
 */
public final class PkiServerIdentity {
    /** The server certificate's lifetime; renewed at two thirds of it. */
    public static final Duration LIFETIME = Duration.ofHours(24);
    static final String PROFILE = "PKI_SERVER";

    private PkiServerIdentity() {
    }

    /**
     * The names the certificate carries: the listen host (unless it is a wildcard address) and the
     * extra server names; a loopback listen address also gets {@code localhost}.
     *
     * @throws PkiException when nothing is left to name (a wildcard listen address and no server name)
     */
    public static List<String> names(String listenHost, List<String> serverNames) {
        Set<String> names = new LinkedHashSet<>();
        Optional<InetAddress> ip = IpLiteral.parse(listenHost);
        boolean wildcard = ip.map(InetAddress::isAnyLocalAddress).orElse(false);
        if (!wildcard) {
            names.add(ip.map(InetAddress::getHostAddress).orElse(listenHost.toLowerCase(Locale.ROOT)));
            if (ip.map(InetAddress::isLoopbackAddress).orElse("localhost".equalsIgnoreCase(listenHost))) {
                names.add("localhost");
            }
        }
        for (String n : serverNames) {
            Optional<InetAddress> nip = IpLiteral.parse(n);
            String name = nip.map(InetAddress::getHostAddress).orElse(DnsNames.normalize(n));
            if (nip.isEmpty() && !DnsNames.isNameOrWildcard(name)) {
                throw new PkiException("server name '" + CsrSigner.printable(n) + "' is not a DNS name or IP address");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new PkiException("the PKI listens on the wildcard address " + listenHost
                    + ": give --server-name NAME (the host name agents dial) for its TLS certificate");
        }
        return List.copyOf(names);
    }

    /** A new key and a certificate for {@code names}, recorded in the CA's serial record. */
    public static Credential issue(ZoneCa ca, IssuedLog log, List<String> names, Clock clock) {
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (!caEnd.isAfter(now)) {
            throw new PkiException("the zone's root CA expired at " + caEnd);
        }
        Instant notAfter = now.plus(LIFETIME).isAfter(caEnd) ? caEnd : now.plus(LIFETIME);
        Instant notBefore = now.minus(CsrSigner.BACKDATE);
        if (notBefore.isBefore(ca.certificate().getNotBefore().toInstant())) {
            notBefore = ca.certificate().getNotBefore().toInstant();
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(IpLiteral.parse(n).isPresent()
                    ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        KeyPair keys = KeyType.EC_P256.generate();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ca.zone()).addRDN(BCStyle.CN, names.get(0)).build();
        Instant nb = notBefore;
        try {
            X509Certificate cert = log.issue(PROFILE, serial -> CertificateIssuer.issue(ca.certificate(),
                    ca.privateKey(), subject, keys.getPublic(), CertificateProfile.TLS, nb, notAfter, sans, serial));
            return new Credential(keys.getPrivate(), cert);
        } catch (IOException e) {
            throw new PkiException("cannot record the serial number in " + log.file() + ": " + CaInit.describe(e), e);
        }
    }

    /** When a certificate issued now should be replaced: at two thirds of its lifetime. */
    static Instant renewalDue(X509Certificate cert) {
        Instant nb = cert.getNotBefore().toInstant();
        Instant na = cert.getNotAfter().toInstant();
        return nb.plus(Duration.between(nb, na).multipliedBy(2).dividedBy(3));
    }
}
