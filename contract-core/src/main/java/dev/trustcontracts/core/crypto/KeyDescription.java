package dev.trustcontracts.core.crypto;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A public key as people name it: {@code EC P-256}, {@code EC P-384}, {@code RSA 3072}, {@code Ed25519}. The
 * curve is read from the key's SubjectPublicKeyInfo by Bouncy Castle and named by its NIST name where it has
 * one, else its SEC/X9 name, else its OID; a key type the project does not know is named by the JCA algorithm.
 */
public final class KeyDescription {
    private KeyDescription() {
    }

    public static String of(X509Certificate c) {
        return of(c.getPublicKey());
    }

    public static String of(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        AlgorithmIdentifier alg;
        try {
            alg = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm();
        } catch (IllegalArgumentException | NullPointerException e) {
            return key.getAlgorithm();
        }
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            return "Ed448";
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC " + curve(alg.getParameters());
        }
        return key.getAlgorithm();
    }

    private static String curve(ASN1Encodable parameters) {
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            return "(explicit curve parameters)"; // not a named curve: nothing to name it by
        }
        String nist = NISTNamedCurves.getName(curve);
        if (nist != null) {
            return nist;
        }
        String other = ECNamedCurveTable.getName(curve);
        return other != null ? other : curve.getId();
    }
}
