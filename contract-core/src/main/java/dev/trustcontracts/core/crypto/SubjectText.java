package dev.trustcontracts.core.crypto;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * A distinguished name as people read it: RFC 2253 order (most specific first, as Java and the earlier pages
 * printed it), every attribute Bouncy Castle's {@link BCStyle} knows by its name ({@code SERIALNUMBER=…},
 * not {@code 2.5.4.5=#13…}), an unknown attribute as its dotted OID with its string value, and non-ASCII
 * text as it is. Bouncy Castle reads and escapes the DER; nothing here parses ASN.1.
 */
public final class SubjectText {
    private SubjectText() {
    }

    /** The certificate's subject. */
    public static String subject(X509Certificate c) {
        return of(c.getSubjectX500Principal());
    }

    /** The certificate's issuer. */
    public static String issuer(X509Certificate c) {
        return of(c.getIssuerX500Principal());
    }

    public static String of(X500Principal p) {
        X500Name name = X500Name.getInstance(BCStyle.INSTANCE, p.getEncoded());
        RDN[] rdns = name.getRDNs();
        // DER order is the least specific first (C, O, ..., CN); RFC 2253 prints it the other way round
        RDN[] reversed = Arrays.copyOf(rdns, rdns.length);
        for (int i = 0; i < rdns.length; i++) {
            reversed[i] = rdns[rdns.length - 1 - i];
        }
        return BCStyle.INSTANCE.toString(new X500Name(BCStyle.INSTANCE, reversed));
    }
}
