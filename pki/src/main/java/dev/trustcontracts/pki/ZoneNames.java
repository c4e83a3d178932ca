package dev.trustcontracts.pki;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Zone names and the subject of a zone's root: {@code O=<zone>, SERIALNUMBER=<random>, CN=<zone> root CA}.
 * The random attribute makes two roots of zones with the same name differ in subject, so no validator
 * can mistake one for the other's issuer.
 */
public final class ZoneNames {
    /** Keeps "{zone} root CA" within the 64 characters X.520 allows a CN. */
    public static final int MAX_LENGTH = 56;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ZoneNames() {
    }

    /** Checks a zone name: a lowercase DNS name (one or more labels) of at most 56 characters. */
    public static String check(String zone) {
        if (zone == null || zone.length() > MAX_LENGTH || !DnsNames.isHostName(zone)) {
            throw new IllegalArgumentException("zone name '" + (zone == null ? "" : CsrSigner.printable(zone))
                    + "' is not a lowercase DNS name of at most " + MAX_LENGTH
                    + " characters (letters, digits, inner hyphens, dots between labels)");
        }
        return zone;
    }

    /** A fresh root subject for the zone. */
    public static X500Name rootSubject(String zone) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, check(zone))
                .addRDN(BCStyle.SERIALNUMBER, HexFormat.of().formatHex(b))
                .addRDN(BCStyle.CN, zone + " root CA")
                .build();
    }

    /** The zone a root's subject names: its O, or failing that its CN. Empty when neither is there. */
    public static String zoneOf(X500Name subject) {
        for (var attr : new org.bouncycastle.asn1.ASN1ObjectIdentifier[] {BCStyle.O, BCStyle.CN}) {
            RDN[] rdns = subject.getRDNs(attr);
            if (rdns.length == 1 && rdns[0].getFirst().getValue() instanceof ASN1String s) {
                return s.getString();
            }
        }
        return "";
    }
}
